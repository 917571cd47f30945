/* The notice interrupt (QV_NOTICE_VECTOR, installed by devices.c): a
 * monitor changed which devices this sandbox owns. The registers the C ABI
 * lets notice_interrupt() clobber are saved around it. */
#include "questv/gpregs.h"
	.text
	.global notice_isr
notice_isr:
	CALL_SAVING_SCRATCH notice_interrupt
	iretq
