/* The fault log ring, the kernel symbol lookup and the check of a
 * RESTART_SERVICE note (faultlog.h): pure code, also built for the host. */
#include "faultlog.h"

#ifdef QUESTV_HOST_UNIT
#include <string.h>
#else
#include "../kernel/lib/fmt.h"
#endif

struct qv_faultlog *faultlog_init(void *mem, u64 size)
{
	struct qv_faultlog *log = mem;
	u64 n;

	if (!mem || size < sizeof(*log) + sizeof(struct qv_fault_record))
		return NULL;
	n = (size - sizeof(*log)) / sizeof(struct qv_fault_record);
	memset(mem, 0, size);
	log->magic = QV_FAULTLOG_MAGIC;
	log->version = QV_FAULTLOG_VERSION;
	log->record_size = sizeof(struct qv_fault_record);
	log->capacity = (u32)(n > 0xFFFFFFFFu ? 0xFFFFFFFFu : n);
	log->header_size = sizeof(*log);
	return log;
}

u64 faultlog_append(struct qv_faultlog *log, const struct qv_fault_record *rec)
{
	u64 seq = log->write_seq + 1;
	struct qv_fault_record *slot = &log->records[(seq - 1) % log->capacity];

	/* A reader that copies this slot meanwhile sees seq 0 (or a seq that
	 * changed under it) and drops its copy. */
	__atomic_store_n(&slot->seq, 0, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	memcpy((u8 *)slot + sizeof(slot->seq), (const u8 *)rec + sizeof(rec->seq),
	       sizeof(*rec) - sizeof(rec->seq));
	slot->sym[QV_FAULTLOG_SYM_LEN - 1] = 0;
	__atomic_store_n(&slot->seq, seq, __ATOMIC_RELEASE);
	__atomic_store_n(&log->write_seq, seq, __ATOMIC_RELEASE);
	return seq;
}

int faultlog_read(const struct qv_faultlog *log, u64 seq, struct qv_fault_record *out)
{
	u64 newest = __atomic_load_n(&log->write_seq, __ATOMIC_ACQUIRE);
	const struct qv_fault_record *slot;

	if (seq == 0 || seq > newest)
		return -1;
	if (newest - seq >= log->capacity)
		return -2;
	slot = &log->records[(seq - 1) % log->capacity];
	if (__atomic_load_n(&slot->seq, __ATOMIC_ACQUIRE) != seq)
		return -2;
	memcpy(out, slot, sizeof(*out));
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&slot->seq, __ATOMIC_ACQUIRE) != seq || out->seq != seq)
		return -2;
	out->sym[QV_FAULTLOG_SYM_LEN - 1] = 0;
	return 0;
}

/* ELF64 facts (System V gABI): section headers and symbols. */
struct elf64_shdr {
	u32 name, type;
	u64 flags, addr, offset, size;
	u32 link, info;
	u64 addralign, entsize;
};

struct elf64_sym {
	u32 name;
	u8 info, other;
	u16 shndx;
	u64 value, size;
};

#define SHT_SYMTAB 2
#define STT_NOTYPE 0
#define STT_OBJECT 1
#define STT_FUNC 2

static bool inside(u64 off, u64 len, u64 size)
{
	return off <= size && len <= size - off;
}

bool ksym_init(struct ksym_table *t, const void *img, u64 size)
{
	const u8 *p = img;
	u64 shoff;
	u16 shentsize, shnum;

	memset(t, 0, sizeof(*t));
	if (!img || size < 64 || memcmp(p, "\x7F" "ELF\x02\x01", 6))
		return false;
	memcpy(&shoff, p + 40, 8);
	memcpy(&shentsize, p + 58, 2);
	memcpy(&shnum, p + 60, 2);
	if (shentsize < sizeof(struct elf64_shdr) || !inside(shoff, (u64)shnum * shentsize, size))
		return false;
	for (u32 i = 0; i < shnum; i++) {
		struct elf64_shdr sh, str;
		memcpy(&sh, p + shoff + (u64)i * shentsize, sizeof(sh));
		if (sh.type != SHT_SYMTAB || sh.entsize < sizeof(struct elf64_sym) ||
		    sh.link >= shnum || !inside(sh.offset, sh.size, size))
			continue;
		memcpy(&str, p + shoff + (u64)sh.link * shentsize, sizeof(str));
		if (!inside(str.offset, str.size, size) || str.size == 0)
			continue;
		t->syms = p + sh.offset;
		t->count = sh.size / sh.entsize;
		t->entsize = sh.entsize;
		t->strs = (const char *)p + str.offset;
		t->strsize = str.size;
		return true;
	}
	return false;
}

const char *ksym_lookup(const struct ksym_table *t, u64 addr, u64 *off)
{
	struct elf64_sym best = { 0 };
	bool found = false, best_holds = false;

	for (u64 i = 0; t->syms && i < t->count; i++) {
		struct elf64_sym s;
		memcpy(&s, t->syms + i * t->entsize, sizeof(s));
		u8 type = s.info & 0xF;
		if ((type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE) ||
		    s.shndx == 0 || s.shndx >= 0xFF00 || s.name == 0 || s.name >= t->strsize ||
		    s.value > addr)
			continue;
		bool holds = addr - s.value < s.size;
		/* A symbol whose extent holds addr wins over one that merely
		 * precedes it; among equals, the closest start wins. */
		if (!found || (holds && !best_holds) ||
		    (holds == best_holds && s.value > best.value)) {
			best = s;
			best_holds = holds;
			found = true;
		}
	}
	if (!found)
		return NULL;
	const char *name = t->strs + best.name;
	u64 len = 0;
	while (best.name + len < t->strsize && name[len])
		len++;
	if (best.name + len == t->strsize)
		return NULL; /* the name runs off the string table */
	*off = addr - best.value;
	return name;
}

static bool note_name_ok(const char *p, u32 n)
{
	if (!n)
		return false;
	for (u32 i = 0; i < n; i++) {
		u8 ch = (u8)p[i]; /* bytes >= 0x80 (UTF-8) are refused too */
		if (ch <= ' ' || ch > '~')
			return false;
	}
	return true;
}

const char *recovery_note_check(const char *text, u32 len)
{
	u32 eq = 0, eqs = 0;

	if (len == 0 || len > QV_RECOVERY_NOTE_MAX)
		return "note length not 1..95";
	for (u32 i = len; i-- > 0;)
		if (text[i] == '=') {
			eq = i;
			eqs++;
		}
	if (eqs != 1)
		return "note is not <service>=<module>";
	if (!note_name_ok(text, eq) || !note_name_ok(text + eq + 1, len - eq - 1))
		return "note names empty or not printable";
	return NULL;
}
