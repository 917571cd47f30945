/* The fault log ring (include/questv/faultlog.h) and the kernel symbol
 * lookup for fault records. Pure code with no board dependency: tests/monitor
 * builds it for the host. The caller serialises appends (one lock for all
 * monitors); readers need no lock (see the protocol in faultlog.h). */
#ifndef QUESTV_MON_FAULTLOG_H
#define QUESTV_MON_FAULTLOG_H

#include "questv/faultlog.h"

/* Lays out an empty log in `size` bytes (at least one record). Returns the
 * log, or NULL when `size` cannot hold the header and one record. */
struct qv_faultlog *faultlog_init(void *mem, u64 size);

/* Appends a copy of *rec (its seq is ignored) and returns the seq given. */
u64 faultlog_append(struct qv_faultlog *log, const struct qv_fault_record *rec);

/* The reader's side, as the supervisor does it: copies record `seq` into
 * *out. 0 on success; -1 when seq is not written yet (or 0); -2 when the
 * ring has lapped it (overwritten before it was read). */
int faultlog_read(const struct qv_faultlog *log, u64 seq, struct qv_fault_record *out);

/* A QV_RECOVER_RESTART_SERVICE note, text[0..len): NULL when it reads
 * "<service>=<module>" (1..QV_RECOVERY_NOTE_MAX bytes, exactly one '=',
 * both names non-empty printable ASCII without blanks: the monitor prints
 * it and the port compares it with names), else why not. */
const char *recovery_note_check(const char *text, u32 len);

/* Where an ELF64 image keeps its symbols, found once at boot. */
struct ksym_table {
	const u8 *syms;     /* the .symtab entries */
	u64 count;
	u64 entsize;
	const char *strs;   /* its string table */
	u64 strsize;
};

/* Finds the symbol table of the ELF64 image in [img, img + size). false
 * (and an empty table) when the image has none or is malformed. */
bool ksym_init(struct ksym_table *t, const void *img, u64 size);

/* The function or object holding `addr` (or else the nearest symbol below
 * it): its name, and *off = addr - its value. NULL when there is none. */
const char *ksym_lookup(const struct ksym_table *t, u64 addr, u64 *off);

#endif
