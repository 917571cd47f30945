#include "kernel.h"

u8 kernel_canary[4096] __attribute__((aligned(4096)));

/* Every word differs, so a write of any value anywhere is seen. */
static u64 pattern(size_t i)
{
	return 0x51564341u ^ (i * 0x9E3779B97F4A7C15ull);
}

void canary_fill(void)
{
	u64 *w = (u64 *)kernel_canary;

	for (size_t i = 0; i < sizeof(kernel_canary) / 8; i++)
		w[i] = pattern(i);
}

bool canary_intact(void)
{
	const volatile u64 *w = (const volatile u64 *)kernel_canary;

	for (size_t i = 0; i < sizeof(kernel_canary) / 8; i++)
		if (w[i] != pattern(i))
			return false;
	return true;
}
