/* The console hub's framed protocol (docs/console.md has it byte by byte).
 *
 * On the wire a frame is HDLC-like:
 *   0x7E | type | sb | seq | len lo | len hi | payload[len] | crc32 (4, LE) | 0x7E
 * with 0x7E and 0x7D inside the frame sent as 0x7D followed by the byte
 * XOR 0x20, so a flag byte never occurs inside a frame and a receiver that
 * lost its place finds the next frame at the next flag. The CRC-32
 * (IEEE 802.3, reflected, as zlib.crc32 computes it) covers type..payload
 * before stuffing.
 *
 * Pure logic: no allocation, no global mutable state. */
#ifndef QUESTV_CONSOLE_FRAME_H
#define QUESTV_CONSOLE_FRAME_H

#include <questv/types.h>

#define QV_FRAME_FLAG 0x7Eu
#define QV_FRAME_ESC 0x7Du
#define QV_FRAME_XOR 0x20u
#define QV_FRAME_MAX_PAYLOAD 256u
#define QV_FRAME_HEADER 5u  /* type, sb, seq, len (2) */
#define QV_FRAME_TRAILER 4u /* crc32 */
#define QV_FRAME_MAX_BODY (QV_FRAME_HEADER + QV_FRAME_MAX_PAYLOAD + QV_FRAME_TRAILER)
/* Every body byte stuffed, plus the two flags. */
#define QV_FRAME_MAX_WIRE (2u * QV_FRAME_MAX_BODY + 2u)

/* The sandbox field of frames addressed to the hub itself. */
#define QV_FRAME_SB_HUB 0xFFu
/* Sandbox ids a frame may carry (ids 0..15, the manifest's limit). */
#define QV_FRAME_MAX_SB 16u

/* Which way a frame travels; the decoder rejects frames going the wrong way. */
enum qv_frame_dir {
	QV_DIR_TO_HOST = 1u,  /* board -> host */
	QV_DIR_TO_BOARD = 2u, /* host -> board */
};

/* X-macro: code, name, directions, addressed to (1 = a sandbox, 0 = the
 * hub), min payload, max payload. Written once; the enum, the validation
 * table and the names come from it. Python mirrors it in
 * tools/questv/hub/frame.py and the tests compare the two. */
#define QV_FRAME_TYPES(X)                                                      \
	X(0x01, DATA, QV_DIR_TO_HOST | QV_DIR_TO_BOARD, 1, 1, QV_FRAME_MAX_PAYLOAD) \
	X(0x02, BREAK, QV_DIR_TO_BOARD, 1, 0, 0)                                   \
	X(0x03, DROPPED, QV_DIR_TO_HOST, 1, 4, 4)                                  \
	X(0x04, LOG, QV_DIR_TO_HOST, 1, 1, QV_FRAME_MAX_PAYLOAD)                   \
	X(0x10, SYNC, QV_DIR_TO_BOARD, 0, 4, 4)                                    \
	X(0x11, HELLO, QV_DIR_TO_HOST, 0, 10, 10)                                  \
	X(0x12, BYE, QV_DIR_TO_BOARD, 0, 0, 0)                                     \
	X(0x13, FOCUS, QV_DIR_TO_BOARD, 1, 0, 0)                                   \
	X(0x14, STATS_REQ, QV_DIR_TO_BOARD, 0, 0, 0)                               \
	X(0x15, STATS, QV_DIR_TO_HOST, 0, 4 * QV_HUB_NSTATS, 4 * QV_HUB_NSTATS)   \
	X(0x16, ACK, QV_DIR_TO_HOST, 0, 1, 1)

/* Counters the hub reports in a STATS frame, in this order (u32 LE each). */
#define QV_HUB_STATS(X)   \
	X(frames_ok)      \
	X(crc_errors)     \
	X(length_errors)  \
	X(escape_errors)  \
	X(invalid)        \
	X(noise_bytes)    \
	X(seq_gaps)       \
	X(frames_sent)    \
	X(dropped_bytes)  \
	X(breaks)

enum {
#define QV_COUNT_STAT(name) QV_STAT_##name,
	QV_HUB_STATS(QV_COUNT_STAT)
#undef QV_COUNT_STAT
	QV_HUB_NSTATS
};

enum qv_frame_type {
#define QV_FRAME_ENUM(code, name, dir, to_sb, min, max) QV_FT_##name = code,
	QV_FRAME_TYPES(QV_FRAME_ENUM)
#undef QV_FRAME_ENUM
};

struct qv_frame_type_info {
	u8 code;
	u8 dirs;
	u8 to_sandbox;
	u16 min_len;
	u16 max_len;
	const char *name;
};

/* Counters kept by a decoder. Every frame that is not delivered is counted
 * in exactly one of the error fields. */
struct qv_frame_counts {
	u32 frames_ok;
	u32 crc_errors;    /* CRC mismatch */
	u32 length_errors; /* too short, too long, or length field disagrees */
	u32 escape_errors; /* 0x7D followed by a byte that is not a stuffed one */
	u32 invalid;       /* good CRC, but unknown type, wrong direction, sandbox or size */
	u32 noise_bytes;   /* bytes outside any frame */
	u32 seq_gaps;      /* frames missing between two good ones */
};

struct qv_frame {
	u8 type;
	u8 sb;
	u8 seq;
	u16 len;
	const u8 *payload; /* points into the decoder; valid until the next byte is fed */
};

enum qv_frame_dec_state { QV_DEC_HUNT, QV_DEC_BODY, QV_DEC_ESC };

struct qv_frame_decoder {
	u8 dir;   /* frames accepted: QV_DIR_TO_HOST or QV_DIR_TO_BOARD */
	u8 state; /* enum qv_frame_dec_state */
	u8 next_seq; /* senders start at 0; SYNC and HELLO restart the count */
	u16 len;
	struct qv_frame_counts counts;
	u8 body[QV_FRAME_MAX_BODY];
};

/* The table entry for a frame type, or NULL if the code is unknown. */
const struct qv_frame_type_info *qv_frame_type_info(u8 code);

u32 qv_crc32(u32 crc, const u8 *p, size_t n);

/* Encodes one frame into out (cap bytes). Returns the wire length, or 0 if
 * the frame would not fit in out or the payload is longer than allowed.
 * The encoder does not check the type table: the tests use it to build
 * frames that the decoder must reject. */
size_t qv_frame_encode(u8 *out, size_t cap, u8 type, u8 sb, u8 seq, const u8 *payload,
		       size_t len);

void qv_frame_decoder_init(struct qv_frame_decoder *d, u8 dir);

/* Feeds one byte. Returns true when it completes a good frame, stored in
 * *f; corrupt or invalid frames are counted and never returned. */
bool qv_frame_feed(struct qv_frame_decoder *d, u8 byte, struct qv_frame *f);

#endif
