/* SPDX-License-Identifier: MIT */
/*
 * sha256_armv8 — what differs between AArch64 and AArch32 for sha256_armv8.c
 * (internal): the function attribute that enables the SHA-256 instructions,
 * and which auxiliary-vector words and bits (getauxval(), Linux's
 * arch/arm64 and arch/arm: include/uapi/asm/hwcap.h) say the CPU has them.
 */
#ifndef SF_SHA256_ARMV8_H
#define SF_SHA256_ARMV8_H

#if defined(__aarch64__)
#define SHA256_ARMV8_TARGET __attribute__((target("+crypto")))
/* AT_HWCAP: HWCAP_SHA2 */
#define SHA256_ARMV8_HWCAP_NEED (1ul << 6)
#define SHA256_ARMV8_HWCAP2_NEED 0ul
#else
/* AArch32 on an ARMv8 CPU (armhf: hard-float, so NEON registers are usable) */
#define SHA256_ARMV8_TARGET __attribute__((target("arch=armv8-a,fpu=crypto-neon-fp-armv8")))
/* AT_HWCAP: HWCAP_NEON; AT_HWCAP2: HWCAP2_SHA2 */
#define SHA256_ARMV8_HWCAP_NEED (1ul << 12)
#define SHA256_ARMV8_HWCAP2_NEED (1ul << 3)
#endif

/**
 * sha256_armv8_caps_ok() - the CPU has what sha256_armv8.c uses
 * @hwcap:  getauxval(AT_HWCAP)
 * @hwcap2: getauxval(AT_HWCAP2)
 * Return: 1 when every needed bit is set, else 0.
 */
static inline int sha256_armv8_caps_ok(unsigned long hwcap, unsigned long hwcap2)
{
	return (hwcap & SHA256_ARMV8_HWCAP_NEED) == SHA256_ARMV8_HWCAP_NEED &&
	       (hwcap2 & SHA256_ARMV8_HWCAP2_NEED) == SHA256_ARMV8_HWCAP2_NEED;
}

#endif /* SF_SHA256_ARMV8_H */
