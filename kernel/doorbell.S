/* The doorbell interrupt (QV_DOORBELL_VECTOR, installed by chanlink.c):
 * the registers the C ABI lets doorbell_interrupt() clobber are saved
 * around it. It only counts and acknowledges; whoever waits for a channel
 * sees the count change when its halt ends. */
#include "questv/gpregs.h"
	.text
	.global doorbell_isr
doorbell_isr:
	CALL_SAVING_SCRATCH doorbell_interrupt
	iretq
