// SPDX-License-Identifier: GPL-2.0
/*
 * Cohort memory dumps: a stopped instance's RAM as an ELF core file, the
 * format of the kernel's own /proc/vmcore, so that makedumpfile and crash
 * read it as they read a kdump.  /sys/kernel/cohort/instances/NAME/vmcore
 * (instance.c) serves it.
 *
 * The file is a header (ELF header, program headers, the VMCOREINFO note
 * the instance's kernel published, padding to a page) followed by each
 * RAM range of the instance, in order, one PT_LOAD each.  The header is
 * built once from checked values (shm.c checks what the instance wrote);
 * the memory is copied as it is.
 */
#include <linux/elf.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "cohort.h"

#define NOTE_NAME	"VMCOREINFO"
#define NOTE_NAME_PAD	ALIGN(sizeof(NOTE_NAME), 4)

static size_t note_bytes(size_t text_len)
{
	return sizeof(struct elf64_note) + NOTE_NAME_PAD + ALIGN(text_len, 4);
}

/**
 * cohort_dump_header() - build the header of an instance's memory dump
 * @r: the instance's RAM ranges, in the order the file holds them
 * @nr: how many, at most %COHORT_DUMP_RANGES
 * @page_offset: virtual address of the instance kernel's direct map
 * @note: the checked text of its VMCOREINFO note, or NULL
 * @note_len: bytes of @note
 * @len: receives the header's length, a multiple of PAGE_SIZE: the first
 *	range's bytes start there
 *
 * Return: the header (kvfree() it), or NULL without memory or for a bad
 * @nr.
 */
void *cohort_dump_header(const struct cohort_dump_range *r, unsigned int nr,
			 u64 page_offset, const char *note, size_t note_len,
			 size_t *len)
{
	size_t phnum = nr + 1, off, total;
	struct elf64_phdr *ph;
	struct elf64_note *nh;
	struct elf64_hdr *eh;
	unsigned int i;
	u8 *buf;

	if (!nr || nr > COHORT_DUMP_RANGES)
		return NULL;
	off = sizeof(*eh) + phnum * sizeof(*ph);
	total = PAGE_ALIGN(off + (note ? note_bytes(note_len) : 0));
	buf = kvzalloc(total, GFP_KERNEL);
	if (!buf)
		return NULL;

	eh = (struct elf64_hdr *)buf;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_ident[EI_OSABI] = ELFOSABI_NONE;
	eh->e_type = ET_CORE;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = phnum;

	ph = (struct elf64_phdr *)(buf + sizeof(*eh));
	ph->p_type = PT_NOTE;
	if (note) {
		ph->p_offset = off;
		ph->p_filesz = note_bytes(note_len);
		ph->p_memsz = ph->p_filesz;
		nh = (struct elf64_note *)(buf + off);
		nh->n_namesz = sizeof(NOTE_NAME);
		nh->n_descsz = note_len;
		nh->n_type = 0;
		memcpy(nh + 1, NOTE_NAME, sizeof(NOTE_NAME));
		memcpy((u8 *)(nh + 1) + NOTE_NAME_PAD, note, note_len);
	}
	off = total;
	for (i = 0; i < nr; i++) {
		ph++;
		ph->p_type = PT_LOAD;
		ph->p_flags = PF_R | PF_W | PF_X;
		ph->p_offset = off;
		ph->p_paddr = r[i].base;
		ph->p_vaddr = page_offset + r[i].base;
		ph->p_filesz = r[i].size;
		ph->p_memsz = r[i].size;
		ph->p_align = PAGE_SIZE;
		off += r[i].size;
	}
	*len = total;
	return buf;
}

/**
 * cohort_dump_read() - read part of an instance's memory dump
 * @hdr: its header, from cohort_dump_header()
 * @hdr_len: the header's length
 * @r: the ranges given to cohort_dump_header()
 * @nr: how many
 * @buf: where the bytes go
 * @pos: file offset
 * @count: bytes wanted
 *
 * The caller keeps the instance stopped meanwhile: its memory is read as
 * it is.
 *
 * Return: bytes copied; 0 at or past the end.
 */
ssize_t cohort_dump_read(const void *hdr, size_t hdr_len,
			 const struct cohort_dump_range *r, unsigned int nr,
			 char *buf, loff_t pos, size_t count)
{
	u64 off = hdr_len, n;
	unsigned int i;

	if (pos < 0)
		return -EINVAL;
	if (pos < hdr_len) {
		n = min_t(u64, count, hdr_len - pos);
		memcpy(buf, (const u8 *)hdr + pos, n);
		return n;
	}
	for (i = 0; i < nr; i++) {
		if (pos < off + r[i].size) {
			n = min_t(u64, count, off + r[i].size - pos);
			memcpy(buf, __va(r[i].base + (pos - off)), n);
			return n;
		}
		off += r[i].size;
	}
	return 0;
}
