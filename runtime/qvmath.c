/* Python's math module on doubles: see qvmath.h.
 *
 * The approach is precision, not speed: every transcendental function is
 * evaluated in double-double arithmetic (num_dd.h, ~106 bits) after an
 * exact or near-exact argument reduction, and rounded to double once at
 * the end. The result is then correctly rounded except in astronomically
 * rare cases, which keeps it within 1 ulp of any C library that is itself
 * within 1 ulp. Series are plain Taylor/Maclaurin expansions on small
 * reduced ranges; trigonometric reduction is Payne & Hanek's (1983) with
 * the bits of 2/pi below; Gamma uses Stirling's series with Bernoulli
 * numbers and the reflection formula; erfc for large x uses the classical
 * continued fraction (Abramowitz & Stegun 7.1.14); fsum is Shewchuk's
 * (1997) exact summation. Special values follow CPython's math module.
 */
#include "qvmath.h"
#include "num_bits.h"
#include "num_dd.h"

#include <float.h>

/* Constants as double-doubles, from a 2000-bit computation. */
static const dd LN2 = { 0x1.62e42fefa39efp-1, 0x1.abc9e3b39803fp-56 };
static const dd INV_LN2 = { 0x1.71547652b82fep+0, 0x1.777d0ffda0d24p-56 };
static const dd INV_LN10 = { 0x1.bcb7b1526e50ep-2, 0x1.95355baaafad3p-57 };
static const dd PI = { 0x1.921fb54442d18p+1, 0x1.1a62633145c07p-53 };
static const dd PI_2 = { 0x1.921fb54442d18p+0, 0x1.1a62633145c07p-54 };
static const dd INV_SQRTPI = { 0x1.20dd750429b6dp-1, 0x1.1ae3a914fed80p-57 };
static const dd TWO_OVER_SQRTPI = { 0x1.20dd750429b6dp+0, 0x1.1ae3a914fed80p-56 };
static const dd HALF_LOG_2PI = { 0x1.d67f1c864beb5p-1, -0x1.65b5a1b7ff5dfp-55 };
static const dd EULER_GAMMA = { 0x1.2788cfc6fb619p-1, -0x1.6cb90701fbfabp-58 };

/* ln2/32 and pi/2 split so that N times the leading parts is exact in
 * double-double arithmetic (Cody & Waite's reduction). */
static const double LN2_32[3] = { 0x1.62e42fefa39efp-6, 0x1.abc9e3b39803fp-61,
				  0x1.7b57a079a1934p-116 };
static const double PIO2[3] = { 0x1.921fb54442d18p+0, 0x1.1a62633145c07p-54,
				-0x1.f1976b7ed8fbcp-110 };

/* 1/k, k = 0..63 (entry 0 unused) */
static const dd INV[64] = {
	{ 0x0.0p+0, 0x0.0p+0 },
	{ 0x1.0000000000000p+0, 0x0.0p+0 },
	{ 0x1.0000000000000p-1, 0x0.0p+0 },
	{ 0x1.5555555555555p-2, 0x1.5555555555555p-56 },
	{ 0x1.0000000000000p-2, 0x0.0p+0 },
	{ 0x1.999999999999ap-3, -0x1.999999999999ap-57 },
	{ 0x1.5555555555555p-3, 0x1.5555555555555p-57 },
	{ 0x1.2492492492492p-3, 0x1.2492492492492p-57 },
	{ 0x1.0000000000000p-3, 0x0.0p+0 },
	{ 0x1.c71c71c71c71cp-4, 0x1.c71c71c71c71cp-58 },
	{ 0x1.999999999999ap-4, -0x1.999999999999ap-58 },
	{ 0x1.745d1745d1746p-4, -0x1.745d1745d1746p-59 },
	{ 0x1.5555555555555p-4, 0x1.5555555555555p-58 },
	{ 0x1.3b13b13b13b14p-4, -0x1.3b13b13b13b14p-58 },
	{ 0x1.2492492492492p-4, 0x1.2492492492492p-58 },
	{ 0x1.1111111111111p-4, 0x1.1111111111111p-60 },
	{ 0x1.0000000000000p-4, 0x0.0p+0 },
	{ 0x1.e1e1e1e1e1e1ep-5, 0x1.e1e1e1e1e1e1ep-61 },
	{ 0x1.c71c71c71c71cp-5, 0x1.c71c71c71c71cp-59 },
	{ 0x1.af286bca1af28p-5, 0x1.af286bca1af28p-59 },
	{ 0x1.999999999999ap-5, -0x1.999999999999ap-59 },
	{ 0x1.8618618618618p-5, 0x1.8618618618618p-59 },
	{ 0x1.745d1745d1746p-5, -0x1.745d1745d1746p-60 },
	{ 0x1.642c8590b2164p-5, 0x1.642c8590b2164p-60 },
	{ 0x1.5555555555555p-5, 0x1.5555555555555p-59 },
	{ 0x1.47ae147ae147bp-5, -0x1.eb851eb851eb8p-61 },
	{ 0x1.3b13b13b13b14p-5, -0x1.3b13b13b13b14p-59 },
	{ 0x1.2f684bda12f68p-5, 0x1.2f684bda12f68p-59 },
	{ 0x1.2492492492492p-5, 0x1.2492492492492p-59 },
	{ 0x1.1a7b9611a7b96p-5, 0x1.1a7b9611a7b96p-61 },
	{ 0x1.1111111111111p-5, 0x1.1111111111111p-61 },
	{ 0x1.0842108421084p-5, 0x1.0842108421084p-60 },
	{ 0x1.0000000000000p-5, 0x0.0p+0 },
	{ 0x1.f07c1f07c1f08p-6, -0x1.f07c1f07c1f08p-61 },
	{ 0x1.e1e1e1e1e1e1ep-6, 0x1.e1e1e1e1e1e1ep-62 },
	{ 0x1.d41d41d41d41dp-6, 0x1.0750750750750p-60 },
	{ 0x1.c71c71c71c71cp-6, 0x1.c71c71c71c71cp-60 },
	{ 0x1.bacf914c1bad0p-6, -0x1.bacf914c1bad0p-60 },
	{ 0x1.af286bca1af28p-6, 0x1.af286bca1af28p-60 },
	{ 0x1.a41a41a41a41ap-6, 0x1.0690690690690p-60 },
	{ 0x1.999999999999ap-6, -0x1.999999999999ap-60 },
	{ 0x1.8f9c18f9c18fap-6, -0x1.f3831f3831f38p-61 },
	{ 0x1.8618618618618p-6, 0x1.8618618618618p-60 },
	{ 0x1.7d05f417d05f4p-6, 0x1.7d05f417d05f4p-62 },
	{ 0x1.745d1745d1746p-6, -0x1.745d1745d1746p-61 },
	{ 0x1.6c16c16c16c17p-6, -0x1.f49f49f49f49fp-61 },
	{ 0x1.642c8590b2164p-6, 0x1.642c8590b2164p-61 },
	{ 0x1.5c9882b931057p-6, 0x1.310572620ae4cp-61 },
	{ 0x1.5555555555555p-6, 0x1.5555555555555p-60 },
	{ 0x1.4e5e0a72f0539p-6, 0x1.e0a72f0539783p-60 },
	{ 0x1.47ae147ae147bp-6, -0x1.eb851eb851eb8p-62 },
	{ 0x1.4141414141414p-6, 0x1.4141414141414p-62 },
	{ 0x1.3b13b13b13b14p-6, -0x1.3b13b13b13b14p-60 },
	{ 0x1.3521cfb2b78c1p-6, 0x1.a90e7d95bc60ap-61 },
	{ 0x1.2f684bda12f68p-6, 0x1.2f684bda12f68p-60 },
	{ 0x1.29e4129e4129ep-6, 0x1.04a7904a7904ap-60 },
	{ 0x1.2492492492492p-6, 0x1.2492492492492p-60 },
	{ 0x1.1f7047dc11f70p-6, 0x1.1f7047dc11f70p-60 },
	{ 0x1.1a7b9611a7b96p-6, 0x1.1a7b9611a7b96p-62 },
	{ 0x1.15b1e5f75270dp-6, 0x1.15b1e5f75270dp-64 },
	{ 0x1.1111111111111p-6, 0x1.1111111111111p-62 },
	{ 0x1.0c9714fbcda3bp-6, -0x1.f79b47582192ep-61 },
	{ 0x1.0842108421084p-6, 0x1.0842108421084p-61 },
	{ 0x1.0410410410410p-6, 0x1.0410410410410p-60 },
};

/* 2^(j/32), j = 0..31 */
static const dd EXP2_32[32] = {
	{ 0x1.0000000000000p+0, 0x0.0p+0 },
	{ 0x1.059b0d3158574p+0, 0x1.d73e2a475b465p-55 },
	{ 0x1.0b5586cf9890fp+0, 0x1.8a62e4adc610bp-54 },
	{ 0x1.11301d0125b51p+0, -0x1.6c51039449b3ap-54 },
	{ 0x1.172b83c7d517bp+0, -0x1.19041b9d78a76p-55 },
	{ 0x1.1d4873168b9aap+0, 0x1.e016e00a2643cp-54 },
	{ 0x1.2387a6e756238p+0, 0x1.9b07eb6c70573p-54 },
	{ 0x1.29e9df51fdee1p+0, 0x1.612e8afad1255p-55 },
	{ 0x1.306fe0a31b715p+0, 0x1.6f46ad23182e4p-55 },
	{ 0x1.371a7373aa9cbp+0, -0x1.63aeabf42eae2p-54 },
	{ 0x1.3dea64c123422p+0, 0x1.ada0911f09ebcp-55 },
	{ 0x1.44e086061892dp+0, 0x1.89b7a04ef80d0p-59 },
	{ 0x1.4bfdad5362a27p+0, 0x1.d4397afec42e2p-56 },
	{ 0x1.5342b569d4f82p+0, -0x1.07abe1db13cadp-55 },
	{ 0x1.5ab07dd485429p+0, 0x1.6324c054647adp-54 },
	{ 0x1.6247eb03a5585p+0, -0x1.383c17e40b497p-54 },
	{ 0x1.6a09e667f3bcdp+0, -0x1.bdd3413b26456p-54 },
	{ 0x1.71f75e8ec5f74p+0, -0x1.16e4786887a99p-55 },
	{ 0x1.7a11473eb0187p+0, -0x1.41577ee04992fp-55 },
	{ 0x1.82589994cce13p+0, -0x1.d4c1dd41532d8p-54 },
	{ 0x1.8ace5422aa0dbp+0, 0x1.6e9f156864b27p-54 },
	{ 0x1.93737b0cdc5e5p+0, -0x1.75fc781b57ebcp-57 },
	{ 0x1.9c49182a3f090p+0, 0x1.c7c46b071f2bep-56 },
	{ 0x1.a5503b23e255dp+0, -0x1.d2f6edb8d41e1p-54 },
	{ 0x1.ae89f995ad3adp+0, 0x1.7a1cd345dcc81p-54 },
	{ 0x1.b7f76f2fb5e47p+0, -0x1.5584f7e54ac3bp-56 },
	{ 0x1.c199bdd85529cp+0, 0x1.11065895048ddp-55 },
	{ 0x1.cb720dcef9069p+0, 0x1.503cbd1e949dbp-56 },
	{ 0x1.d5818dcfba487p+0, 0x1.2ed02d75b3707p-55 },
	{ 0x1.dfc97337b9b5fp+0, -0x1.1a5cd4f184b5cp-54 },
	{ 0x1.ea4afa2a490dap+0, -0x1.e9c23179c2893p-54 },
	{ 0x1.f50765b6e4540p+0, 0x1.9d3e12dd8a18bp-54 },
};

/* log(1 + j/64), j = 0..64 */
static const dd LOG1P_64[65] = {
	{ 0x0.0p+0, 0x0.0p+0 },
	{ 0x1.fc0a8b0fc03e4p-7, -0x1.83092c59642a1p-62 },
	{ 0x1.f829b0e783300p-6, 0x1.33e3f04f1ef23p-60 },
	{ 0x1.77458f632dcfcp-5, 0x1.18d3ca87b9296p-59 },
	{ 0x1.f0a30c01162a6p-5, 0x1.85f325c5bbacdp-59 },
	{ 0x1.341d7961bd1d1p-4, -0x1.b599f227becbbp-58 },
	{ 0x1.6f0d28ae56b4cp-4, -0x1.906d99184b992p-58 },
	{ 0x1.a926d3a4ad563p-4, 0x1.942f48aa70ea9p-58 },
	{ 0x1.e27076e2af2e6p-4, -0x1.61578001e0162p-60 },
	{ 0x1.0d77e7cd08e59p-3, 0x1.9a5dc5e9030acp-57 },
	{ 0x1.29552f81ff523p-3, 0x1.301771c407dbfp-57 },
	{ 0x1.44d2b6ccb7d1ep-3, 0x1.9f4f6543e1f88p-57 },
	{ 0x1.5ff3070a793d4p-3, -0x1.bc60efafc6f6ep-58 },
	{ 0x1.7ab890210d909p-3, 0x1.be36b2d6a0608p-59 },
	{ 0x1.9525a9cf456b4p-3, 0x1.d904c1d4e2e26p-57 },
	{ 0x1.af3c94e80bff3p-3, -0x1.398cff3641985p-58 },
	{ 0x1.c8ff7c79a9a22p-3, -0x1.4f689f8434012p-57 },
	{ 0x1.e27076e2af2e6p-3, -0x1.61578001e0162p-59 },
	{ 0x1.fb9186d5e3e2bp-3, -0x1.caaae64f21acbp-57 },
	{ 0x1.0a324e27390e3p-2, 0x1.7dcfde8061c03p-56 },
	{ 0x1.1675cababa60ep-2, 0x1.ce63eab883717p-61 },
	{ 0x1.22941fbcf7966p-2, -0x1.76f5eb09628afp-56 },
	{ 0x1.2e8e2bae11d31p-2, -0x1.8f4cdb95ebdf9p-56 },
	{ 0x1.3a64c556945eap-2, -0x1.c68651945f97cp-57 },
	{ 0x1.4618bc21c5ec2p-2, 0x1.f42decdeccf1dp-56 },
	{ 0x1.51aad872df82dp-2, 0x1.3927ac19f55e3p-59 },
	{ 0x1.5d1bdbf5809cap-2, 0x1.4236383dc7fe1p-56 },
	{ 0x1.686c81e9b14afp-2, -0x1.ddea0f7f58e3dp-57 },
	{ 0x1.739d7f6bbd007p-2, -0x1.8c76ceb014b04p-56 },
	{ 0x1.7eaf83b82afc3p-2, 0x1.92ce979ed2950p-56 },
	{ 0x1.89a3386c1425bp-2, -0x1.29639dfbbf0fbp-56 },
	{ 0x1.947941c2116fbp-2, -0x1.16cc8bae0bbe4p-56 },
	{ 0x1.9f323ecbf984cp-2, -0x1.a92e513217f5cp-59 },
	{ 0x1.a9cec9a9a084ap-2, -0x1.cadec02b436afp-56 },
	{ 0x1.b44f77bcc8f63p-2, -0x1.cd04495459c78p-56 },
	{ 0x1.beb4d9da71b7cp-2, -0x1.0f3c590a887cap-59 },
	{ 0x1.c8ff7c79a9a22p-2, -0x1.4f689f8434012p-56 },
	{ 0x1.d32fe7e00ebd5p-2, 0x1.877b232fafa37p-56 },
	{ 0x1.dd46a04c1c4a1p-2, -0x1.0467656d8b892p-56 },
	{ 0x1.e744261d68788p-2, -0x1.c825c90c344b9p-58 },
	{ 0x1.f128f5faf06edp-2, -0x1.328df13bb38c3p-56 },
	{ 0x1.faf588f78f31fp-2, -0x1.328260d8abca0p-57 },
	{ 0x1.02552a5a5d0ffp-1, -0x1.cb1cb51408c00p-56 },
	{ 0x1.0723e5c1cdf40p-1, 0x1.395e58e2445bbp-55 },
	{ 0x1.0be72e4252a83p-1, -0x1.259da11330801p-55 },
	{ 0x1.109f39e2d4c97p-1, -0x1.0e09b27a4373ap-60 },
	{ 0x1.154c3d2f4d5eap-1, -0x1.59c33171a6876p-55 },
	{ 0x1.19ee6b467c96fp-1, -0x1.9d1a11443f10cp-56 },
	{ 0x1.1e85f5e7040d0p-1, 0x1.ef62cd2f9f1e3p-56 },
	{ 0x1.23130d7bebf43p-1, -0x1.f48725e374d6ep-55 },
	{ 0x1.2795e1289b11bp-1, -0x1.487c0c246978ep-57 },
	{ 0x1.2c0e9ed448e8cp-1, -0x1.1a158f3917586p-55 },
	{ 0x1.307d7334f10bep-1, 0x1.fb590a1f566dap-57 },
	{ 0x1.34e289d9ce1d3p-1, 0x1.6eb92d885ce4fp-57 },
	{ 0x1.393e0d3562a1ap-1, -0x1.58eef67f2483ap-55 },
	{ 0x1.3d9026a7156fbp-1, -0x1.6fef670bd4b62p-55 },
	{ 0x1.41d8fe84672aep-1, 0x1.9192f30bd1806p-55 },
	{ 0x1.4618bc21c5ec2p-1, 0x1.f42decdeccf1dp-55 },
	{ 0x1.4a4f85db03ebbp-1, 0x1.13dfa3d3761b6p-60 },
	{ 0x1.4e7d811b75bb1p-1, -0x1.8d3d9ea6e9ea9p-55 },
	{ 0x1.52a2d265bc5abp-1, -0x1.1883750ea4d0ap-57 },
	{ 0x1.56bf9d5b3f399p-1, 0x1.0471885cd8ff3p-55 },
	{ 0x1.5ad404c359f2dp-1, -0x1.35955683f7196p-59 },
	{ 0x1.5ee02a9241675p-1, 0x1.c358257f49082p-55 },
	{ 0x1.62e42fefa39efp-1, 0x1.abc9e3b39803fp-56 },
};

/* 1/n!, n = 0..29 */
static const dd INV_FACT[30] = {
	{ 0x1.0000000000000p+0, 0x0.0p+0 },
	{ 0x1.0000000000000p+0, 0x0.0p+0 },
	{ 0x1.0000000000000p-1, 0x0.0p+0 },
	{ 0x1.5555555555555p-3, 0x1.5555555555555p-57 },
	{ 0x1.5555555555555p-5, 0x1.5555555555555p-59 },
	{ 0x1.1111111111111p-7, 0x1.1111111111111p-63 },
	{ 0x1.6c16c16c16c17p-10, -0x1.f49f49f49f49fp-65 },
	{ 0x1.a01a01a01a01ap-13, 0x1.a01a01a01a01ap-73 },
	{ 0x1.a01a01a01a01ap-16, 0x1.a01a01a01a01ap-76 },
	{ 0x1.71de3a556c734p-19, -0x1.c154f8ddc6c00p-73 },
	{ 0x1.27e4fb7789f5cp-22, 0x1.cbbc05b4fa99ap-76 },
	{ 0x1.ae64567f544e4p-26, -0x1.c062e06d1f209p-80 },
	{ 0x1.1eed8eff8d898p-29, -0x1.2aec959e14c06p-83 },
	{ 0x1.6124613a86d09p-33, 0x1.f28e0cc748ebep-87 },
	{ 0x1.93974a8c07c9dp-37, 0x1.05d6f8a2efd1fp-92 },
	{ 0x1.ae7f3e733b81fp-41, 0x1.1d8656b0ee8cbp-97 },
	{ 0x1.ae7f3e733b81fp-45, 0x1.1d8656b0ee8cbp-101 },
	{ 0x1.952c77030ad4ap-49, 0x1.ac981465ddc6cp-103 },
	{ 0x1.6827863b97d97p-53, 0x1.eec01221a8b0bp-107 },
	{ 0x1.2f49b46814157p-57, 0x1.2650f61dbdcb4p-112 },
	{ 0x1.e542ba4020225p-62, 0x1.ea72b4afe3c2fp-120 },
	{ 0x1.71b8ef6dcf572p-66, -0x1.d043ae40c4647p-120 },
	{ 0x1.0ce396db7f853p-70, -0x1.aebcdbd20331cp-124 },
	{ 0x1.761b41316381ap-75, -0x1.3423c7d91404fp-130 },
	{ 0x1.f2cf01972f578p-80, -0x1.9ada5fcc1ab14p-135 },
	{ 0x1.3f3ccdd165fa9p-84, -0x1.58ddadf344487p-139 },
	{ 0x1.88e85fc6a4e5ap-89, -0x1.71c37ebd16540p-143 },
	{ 0x1.d1ab1c2dccea3p-94, 0x1.054d0c78aea14p-149 },
	{ 0x1.0a18a2635085dp-98, 0x1.b9e2e28e1aa54p-153 },
	{ 0x1.259f98b4358adp-103, 0x1.eaf8c39dd9bc5p-157 },
};

/* B(2k) / (2k (2k - 1)), k = 1..16 */
static const dd STIRLING[16] = {
	{ 0x1.5555555555555p-4, 0x1.5555555555555p-58 },
	{ -0x1.6c16c16c16c17p-9, 0x1.f49f49f49f49fp-64 },
	{ 0x1.a01a01a01a01ap-11, 0x1.a01a01a01a01ap-71 },
	{ -0x1.3813813813814p-11, 0x1.fb1fb1fb1fb20p-65 },
	{ 0x1.b951e2b18ff23p-11, 0x1.5c3a9ce01b952p-65 },
	{ -0x1.f6ab0d9993c7dp-10, 0x1.f82553c999b0ep-64 },
	{ 0x1.a41a41a41a41ap-8, 0x1.0690690690690p-62 },
	{ -0x1.e4286cb0f5398p-6, 0x1.1efcdab896745p-61 },
	{ 0x1.6fe96381e0680p-3, -0x1.79e2405a71f88p-61 },
	{ -0x1.6476701181f3ap+0, 0x1.24246319da678p-56 },
	{ 0x1.ace44322ce006p+3, -0x1.62c2b1bbcdd32p-51 },
	{ -0x1.39b2525cccc1bp+7, 0x1.52604768a30fcp-47 },
	{ 0x1.12234e81b4e82p+11, -0x1.2c5f92c5f92c6p-43 },
	{ -0x1.1a198ae1c4ab8p+15, 0x1.4c012227b696ep-41 },
	{ 0x1.51a2089a6e11ap+19, 0x1.c219ee4fdc447p-36 },
	{ -0x1.d1089b142d357p+23, -0x1.e2030b4d5de20p-31 },
};


/* 2/pi in 32-bit words, most significant first: enough bits for the
 * Payne-Hanek reduction of any double (the window starts at most at word
 * 30 and spans 7 words). */
static const uint32_t TWO_OVER_PI[40] = {
	0xa2f9836e, 0x4e441529, 0xfc2757d1, 0xf534ddc0, 0xdb629599, 0x3c439041, 0xfe5163ab,
	0xdebbc561, 0xb7246e3a, 0x424dd2e0, 0x06492eea, 0x09d1921c, 0xfe1deb1c, 0xb129a73e,
	0xe88235f5, 0x2ebb4484, 0xe99c7026, 0xb45f7e41, 0x3991d639, 0x835339f4, 0x9c845f8b,
	0xbdf9283b, 0x1ff897ff, 0xde05980f, 0xef2f118b, 0x5a0a6d1f, 0x6d367ecf, 0x27cb09b7,
	0x4f463f66, 0x9e5fea2d, 0x7527bac7, 0xebe5f17b, 0x3d0739f7, 0x8a5292ea, 0x6bfb5fb1,
	0x1f8d5d08, 0x56033046, 0xfc7b6bab, 0xf0cfbc20, 0x9af4361d,
};

/* zeta(k) and zeta(k) - 1 for k = 2..7: Taylor coefficients of lgamma
 * around 1 and 2. */
static const double ZETA[6] = { 0x1.a51a6625307d3p+0, 0x1.33ba004f00621p+0, 0x1.151322ac7d848p+0,
				0x1.097418eca7ccep+0, 0x1.0470984c09245p+0, 0x1.02232da14cf39p+0 };
static const double ZETA_M1[6] = { 0x1.4a34cc4a60fa6p-1, 0x1.9dd002780310ap-3,
				   0x1.51322ac7d8483p-4, 0x1.2e831d94f99b7p-5,
				   0x1.1c26130249124p-6, 0x1.1196d0a679c47p-7 };

#define QV_NAN __builtin_nan("")
#define QV_INF __builtin_inf()

static bool is_nan(double x)
{
	return x != x;
}

static bool is_inf(double x)
{
	return x == QV_INF || x == -QV_INF;
}

static bool is_finite(double x)
{
	return x - x == 0.0;
}

static double fabs_(double x)
{
	return qv_bitsd(qv_dbits(x) & ~(UINT64_C(1) << 63));
}

static double copysign_(double x, double y)
{
	return qv_bitsd((qv_dbits(x) & ~(UINT64_C(1) << 63)) | (qv_dbits(y) & (UINT64_C(1) << 63)));
}

static bool sign_bit(double x)
{
	return qv_dbits(x) >> 63;
}

/* 2^k exactly, for -1022 <= k <= 1023. */
static double pow2(int k)
{
	return qv_bitsd((uint64_t)(k + QV_DBL_EXP_BIAS) << 52);
}

static double trunc_(double x)
{
	uint64_t u = qv_dbits(x);
	int be = (int)((u >> 52) & 0x7ff);
	if (be >= QV_DBL_EXP_BIAS + 52)
		return x; /* integral, inf or nan */
	if (be < QV_DBL_EXP_BIAS)
		return copysign_(0.0, x);
	uint64_t frac_bits = (UINT64_C(1) << (52 - (be - QV_DBL_EXP_BIAS))) - 1;
	return qv_bitsd(u & ~frac_bits);
}

static double floor_(double x)
{
	double t = trunc_(x);
	return (t != x && x < 0) ? t - 1.0 : t;
}

/* Nearest integer, ties away from zero; |x| < 2^52. */
static double round_(double x)
{
	double t = trunc_(x);
	double d = x - t;
	if (d >= 0.5)
		return t + 1.0;
	if (d <= -0.5)
		return t - 1.0;
	return t;
}

static bool is_integer(double x)
{
	return is_finite(x) && trunc_(x) == x;
}

/* (a.hi + a.lo) * 2^k rounded once to a double (subnormal results
 * included); *overflow when it reaches 2^1024. */
static double scale_round(dd a, int k, bool *overflow)
{
	*overflow = false;
	if (a.hi == 0.0)
		return a.hi;
	bool neg = a.hi < 0;
	double hi = neg ? -a.hi : a.hi, lo = neg ? -a.lo : a.lo;
	uint64_t m;
	int e;
	qv_dsplit(hi, &m, &e);
	/* lo in units of 2^(e-10): |f| <= 2^9, exact as a double */
	int sh = 10 - e;
	double f = lo;
	while (sh > 1000) {
		f *= pow2(1000);
		sh -= 1000;
	}
	while (sh < -1000) {
		f *= pow2(-1000);
		sh += 1000;
	}
	f *= pow2(sh);
	double fi = floor_(f);
	int64_t M = (int64_t)(m << 10) + (int64_t)fi;
	double v = qv_make_double((uint64_t)M, (int64_t)e - 10 + k, f != fi, overflow);
	return neg ? -v : v;
}

/* ---- exponential and logarithm cores --------------------------------- */

/* expm1(r) for |r| <= ln2/64 by its Taylor polynomial to degree 12
 * (the next term is below 2^-117 relative), in Horner form. */
static dd expm1_poly(dd r)
{
	dd p = INV_FACT[12];
	for (int n = 11; n >= 1; n--)
		p = dd_add(dd_mul(p, r), INV_FACT[n]);
	return dd_mul(p, r);
}

/* exp(x) = m * 2^k with m in [1, 2): x = (32k + j) ln2/32 + r, so
 * exp(x) = 2^k 2^(j/32) e^r with |r| <= ln2/64. */
static dd exp_dd(dd x, int *k)
{
	double N = round_(x.hi * 0x1.71547652b82fep+5);
	dd r = dd_sub(x, dd_two_prod(N, LN2_32[0]));
	r = dd_sub(r, dd_two_prod(N, LN2_32[1]));
	r = dd_add_d(r, -N * LN2_32[2]);
	int n = (int)N, j = n & 31;
	*k = (n - j) / 32;
	dd t = EXP2_32[j];
	return dd_add(t, dd_mul(t, expm1_poly(r)));
}

/* expm1(x) as a double-double for |x| <= 60. */
static dd expm1_dd(dd x)
{
	if (fabs_(x.hi) <= 0.0108)
		return expm1_poly(x);
	int k;
	dd m = exp_dd(x, &k);
	return dd_add_d(dd_scale(m, pow2(k)), -1.0);
}

/* log(a) for a > 0 finite (a.hi may be subnormal): a = 2^k m, m in
 * [1, 2), m = c (1 + t) with c = 1 + j/64 from a table of logs, and
 * log(1 + t) = 2 atanh(u), u = (m - c) / (m + c), |u| < 2^-8. */
static dd log_dd(dd a)
{
	int k = 0;
	if (a.hi < 0x1p-1000) {
		a = dd_scale(a, 0x1p200);
		k -= 200;
	}
	uint64_t bits = qv_dbits(a.hi);
	int ex = (int)((bits >> 52) & 0x7ff) - QV_DBL_EXP_BIAS;
	/* two steps: 2^-ex alone is not a normal double for ex = 1023 */
	dd m = dd_scale(dd_scale(a, pow2(-ex / 2)), pow2(-(ex - ex / 2)));
	k += ex;
	int j = (int)round_((m.hi - 1.0) * 64.0);
	double c = 1.0 + j / 64.0;
	dd u = dd_div(dd_add_d(m, -c), dd_add_d(m, c));
	dd u2 = dd_mul(u, u), p = INV[15];
	for (int n = 13; n >= 1; n -= 2)
		p = dd_add(dd_mul(p, u2), INV[n]);
	dd at = dd_mul(p, u);
	return dd_add(dd_add(dd_scale(at, 2.0), LOG1P_64[j]), dd_mul_d(LN2, (double)k));
}

/* ---- exact functions --------------------------------------------------- */

int qv_math_sqrt(double x, double *out)
{
	if (x < 0)
		return QV_MATH_EDOM;
	*out = __builtin_sqrt(x);
	return QV_MATH_OK;
}

int qv_math_fabs(double x, double *out)
{
	*out = fabs_(x);
	return QV_MATH_OK;
}

int qv_math_floor(double x, double *out)
{
	*out = floor_(x);
	return QV_MATH_OK;
}

int qv_math_ceil(double x, double *out)
{
	double t = trunc_(x);
	*out = (t != x && x > 0) ? t + 1.0 : t;
	return QV_MATH_OK;
}

int qv_math_trunc(double x, double *out)
{
	*out = trunc_(x);
	return QV_MATH_OK;
}

int qv_math_copysign(double x, double y, double *out)
{
	*out = copysign_(x, y);
	return QV_MATH_OK;
}

int qv_math_fmod(double x, double y, double *out)
{
	if (is_nan(x) || is_nan(y)) {
		*out = QV_NAN;
		return QV_MATH_OK;
	}
	if (is_inf(x) || y == 0.0)
		return QV_MATH_EDOM;
	if (is_inf(y) || x == 0.0 || fabs_(x) < fabs_(y)) {
		*out = x;
		return QV_MATH_OK;
	}
	uint64_t mx, my;
	int ex, ey;
	qv_dsplit(fabs_(x), &mx, &ex);
	qv_dsplit(fabs_(y), &my, &ey);
	/* (mx * 2^(ex-ey)) mod my, eleven bits at a time: r < 2^53 keeps
	 * r << 11 inside 64 bits. */
	uint64_t r = mx % my;
	for (int sh = ex - ey; sh > 0;) {
		int step = sh > 11 ? 11 : sh;
		r = (r << step) % my;
		sh -= step;
	}
	bool ovf;
	double v = qv_make_double(r, ey, false, &ovf);
	*out = copysign_(v, x);
	return QV_MATH_OK;
}

int qv_math_modf(double x, double *frac, double *ipart)
{
	if (is_nan(x)) {
		*frac = *ipart = x;
		return QV_MATH_OK;
	}
	if (is_inf(x)) {
		*ipart = x;
		*frac = copysign_(0.0, x);
		return QV_MATH_OK;
	}
	double t = trunc_(x);
	*ipart = t;
	*frac = copysign_(x - t, x);
	return QV_MATH_OK;
}

int qv_math_frexp(double x, double *m, int *e)
{
	*e = 0;
	if (x == 0.0 || !is_finite(x)) {
		*m = x;
		return QV_MATH_OK;
	}
	uint64_t mm;
	int ee;
	qv_dsplit(fabs_(x), &mm, &ee);
	int bl = 64 - qv_clz64(mm);
	/* |x| = mm * 2^ee = (mm / 2^bl) * 2^(ee + bl) */
	*e = ee + bl;
	bool ovf;
	*m = copysign_(qv_make_double(mm, -bl, false, &ovf), x);
	return QV_MATH_OK;
}

int qv_math_ldexp(double x, int64_t e, double *out)
{
	if (x == 0.0 || !is_finite(x)) {
		*out = x;
		return QV_MATH_OK;
	}
	if (e > 5000)
		e = 5000;
	if (e < -5000)
		e = -5000;
	uint64_t m;
	int ex;
	qv_dsplit(fabs_(x), &m, &ex);
	bool ovf;
	double v = qv_make_double(m, ex + e, false, &ovf);
	if (ovf)
		return QV_MATH_ERANGE;
	*out = copysign_(v, x);
	return QV_MATH_OK;
}

int qv_math_nextafter(double x, double y, double *out)
{
	if (is_nan(x) || is_nan(y)) {
		*out = QV_NAN;
		return QV_MATH_OK;
	}
	if (x == y) {
		*out = y;
		return QV_MATH_OK;
	}
	if (x == 0.0) {
		*out = copysign_(qv_bitsd(1), y);
		return QV_MATH_OK;
	}
	uint64_t u = qv_dbits(x);
	/* away from zero when moving outwards, else towards it */
	if ((y > x) == (x > 0))
		u++;
	else
		u--;
	*out = qv_bitsd(u);
	return QV_MATH_OK;
}

int qv_math_ulp(double x, double *out)
{
	if (is_nan(x) || is_inf(x)) {
		*out = fabs_(x);
		return QV_MATH_OK;
	}
	x = fabs_(x);
	double up;
	if (x == DBL_MAX) {
		qv_math_nextafter(x, 0.0, &up);
		*out = x - up;
	} else {
		qv_math_nextafter(x, QV_INF, &up);
		*out = up - x;
	}
	return QV_MATH_OK;
}

/* ---- exponentials and logarithms ------------------------------------------ */

int qv_math_exp(double x, double *out)
{
	if (is_nan(x) || x == QV_INF) {
		*out = x;
		return QV_MATH_OK;
	}
	if (x < -746.0) {
		*out = 0.0;
		return QV_MATH_OK;
	}
	if (x > 710.0)
		return QV_MATH_ERANGE;
	int k;
	dd m = exp_dd(dd_d(x), &k);
	bool ovf;
	*out = scale_round(m, k, &ovf);
	return ovf ? QV_MATH_ERANGE : QV_MATH_OK;
}

int qv_math_exp2(double x, double *out)
{
	if (is_nan(x) || x == QV_INF) {
		*out = x;
		return QV_MATH_OK;
	}
	if (x < -1080.0) {
		*out = 0.0;
		return QV_MATH_OK;
	}
	if (x > 1025.0)
		return QV_MATH_ERANGE;
	double n = round_(x);
	int k;
	dd m = exp_dd(dd_mul_d(LN2, x - n), &k);
	bool ovf;
	*out = scale_round(m, k + (int)n, &ovf);
	return ovf ? QV_MATH_ERANGE : QV_MATH_OK;
}

int qv_math_expm1(double x, double *out)
{
	if (is_nan(x) || x == QV_INF || x == 0.0 || fabs_(x) < 0x1p-500) {
		*out = x;
		return QV_MATH_OK;
	}
	if (x < -40.0) {
		*out = -1.0; /* expm1(-40) = -1 + 4e-18 rounds to -1 */
		return QV_MATH_OK;
	}
	if (x > 710.0)
		return QV_MATH_ERANGE;
	bool ovf;
	if (x > 60.0) {
		/* the -1 is far below an ulp: exp(x) itself */
		int k;
		dd m = exp_dd(dd_d(x), &k);
		*out = scale_round(m, k, &ovf);
	} else {
		*out = scale_round(expm1_dd(dd_d(x)), 0, &ovf);
	}
	return ovf ? QV_MATH_ERANGE : QV_MATH_OK;
}

static int log_special(double x, double *out)
{
	if (is_nan(x) || x == QV_INF) {
		*out = x;
		return 1;
	}
	if (x <= 0.0)
		return QV_MATH_EDOM;
	return 0;
}

int qv_math_log(double x, double *out)
{
	int s = log_special(x, out);
	if (s)
		return s < 0 ? s : QV_MATH_OK;
	bool ovf;
	*out = scale_round(log_dd(dd_d(x)), 0, &ovf);
	return QV_MATH_OK;
}

int qv_math_log2(double x, double *out)
{
	int s = log_special(x, out);
	if (s)
		return s < 0 ? s : QV_MATH_OK;
	bool ovf;
	*out = scale_round(dd_mul(log_dd(dd_d(x)), INV_LN2), 0, &ovf);
	return QV_MATH_OK;
}

int qv_math_log10(double x, double *out)
{
	int s = log_special(x, out);
	if (s)
		return s < 0 ? s : QV_MATH_OK;
	bool ovf;
	*out = scale_round(dd_mul(log_dd(dd_d(x)), INV_LN10), 0, &ovf);
	return QV_MATH_OK;
}

int qv_math_log1p(double x, double *out)
{
	if (is_nan(x) || x == QV_INF || x == 0.0 || fabs_(x) < 0x1p-500) {
		*out = x;
		return QV_MATH_OK;
	}
	if (x <= -1.0)
		return QV_MATH_EDOM;
	bool ovf;
	*out = scale_round(log_dd(dd_two_sum(1.0, x)), 0, &ovf);
	return QV_MATH_OK;
}

/* pow for finite x > 0, finite y: exp(y log x). */
static int pow_positive(double x, double y, bool negate, double *out)
{
	dd L = log_dd(dd_d(x));
	double t0 = L.hi * y;
	if (t0 > 800.0)
		return QV_MATH_ERANGE;
	if (t0 < -800.0) {
		*out = negate ? -0.0 : 0.0;
		return QV_MATH_OK;
	}
	int k;
	dd m = exp_dd(dd_mul_d(L, y), &k);
	bool ovf;
	double v = scale_round(m, k, &ovf);
	if (ovf)
		return QV_MATH_ERANGE;
	*out = negate ? -v : v;
	return QV_MATH_OK;
}

static bool is_odd_integer(double y)
{
	if (!is_integer(y) || fabs_(y) >= 0x1p53)
		return false;
	double h = y * 0.5;
	return trunc_(h) != h;
}

/* pow with an infinite or nan argument, as CPython's math.pow. */
static double pow_special(double x, double y)
{
	if (is_nan(x))
		return y == 0.0 ? 1.0 : x;
	if (is_nan(y))
		return x == 1.0 ? 1.0 : y;
	if (is_inf(x)) {
		bool odd = is_finite(y) && is_odd_integer(y);
		if (y > 0)
			return odd ? x : fabs_(x);
		if (y == 0)
			return 1.0;
		return odd ? copysign_(0.0, x) : 0.0;
	}
	/* y is infinite */
	if (fabs_(x) == 1.0)
		return 1.0;
	if (y > 0 && fabs_(x) > 1.0)
		return y;
	if (y < 0 && fabs_(x) < 1.0)
		return -y;
	return 0.0;
}

int qv_math_pow(double x, double y, double *out)
{
	if (!is_finite(x) || !is_finite(y)) {
		*out = pow_special(x, y);
		return QV_MATH_OK;
	}
	if (y == 0.0 || x == 1.0) {
		*out = 1.0;
		return QV_MATH_OK;
	}
	if (x == 0.0) {
		if (y < 0)
			return QV_MATH_EDOM;
		*out = is_odd_integer(y) ? x : 0.0;
		return QV_MATH_OK;
	}
	bool negate = false;
	if (x < 0) {
		if (!is_integer(y))
			return QV_MATH_EDOM;
		negate = is_odd_integer(y);
		x = -x;
		if (x == 1.0) {
			*out = negate ? -1.0 : 1.0;
			return QV_MATH_OK;
		}
	}
	if (fabs_(y) > 0x1p900) {
		/* |y log x| is beyond any double exponent unless x == 1 */
		if ((x > 1.0) == (y > 0))
			return QV_MATH_ERANGE;
		*out = negate ? -0.0 : 0.0;
		return QV_MATH_OK;
	}
	return pow_positive(x, y, negate, out);
}

/* ---- trigonometry ------------------------------------------------------- */

/* Bits [lo, lo + n) of the little-endian 32-bit limb number q, n <= 53,
 * lo >= 0: they lie within limbs lo/32 .. lo/32 + 2. */
static uint64_t bits_at(const uint32_t *q, int nq, int lo, int n)
{
	int w = lo / 32, b = lo % 32;
	uint64_t l0 = w < nq ? q[w] : 0, l1 = w + 1 < nq ? q[w + 1] : 0;
	uint64_t l2 = w + 2 < nq ? q[w + 2] : 0;
	uint64_t v = ((l0 | (l1 << 32)) >> b) | (b ? l2 << (64 - b) : 0);
	return v & ((UINT64_C(1) << n) - 1);
}

/* |x| = q * pi/2 + r with |r| <= pi/4 (as a double-double) for finite
 * x >= 0; returns q mod 4. Payne-Hanek: the product of x's 53-bit
 * mantissa with a 224-bit window of 2/pi gives x * 2/pi mod 4 with
 * about 190 fraction bits, whatever the size of x. */
static int reduce_pi_2(double x, dd *r)
{
	if (x <= 0.78539816339744828) {
		*r = dd_d(x);
		return 0;
	}
	if (x < 0x1p26) {
		/* Cody-Waite: N times the first two parts of pi/2 is exact in
		 * double-double; the third leaves an error near 2^-137, far
		 * below the smallest |r| such arguments can have. */
		double N = round_(x * 0x1.45f306dc9c883p-1);
		dd t = dd_sub(dd_d(x), dd_two_prod(N, PIO2[0]));
		t = dd_sub(t, dd_two_prod(N, PIO2[1]));
		*r = dd_add_d(t, -N * PIO2[2]);
		return (int)((int64_t)N & 3);
	}
	uint64_t m;
	int e;
	qv_dsplit(x, &m, &e);
	int j0 = e - 2 >= 0 ? (e - 2) / 32 : 0;
	/* Q = m * W, W = words j0 .. j0+6 of 2/pi as a 224-bit integer */
	uint32_t q[9] = { 0 };
	uint32_t mlo = (uint32_t)m, mhi = (uint32_t)(m >> 32);
	for (int i = 0; i < 7; i++) {
		uint64_t w = TWO_OVER_PI[j0 + 6 - i]; /* limb i, little-endian */
		uint64_t c = (uint64_t)q[i] + w * mlo;
		q[i] = (uint32_t)c;
		c = (c >> 32) + (uint64_t)q[i + 1] + w * mhi;
		q[i + 1] = (uint32_t)c;
		c >>= 32;
		for (int j = i + 2; c && j < 9; j++) {
			c += q[j];
			q[j] = (uint32_t)c;
			c >>= 32;
		}
	}
	/* x * 2/pi = Q * 2^-s */
	int s = 32 * (j0 + 7) - e;
	int quad = (int)bits_at(q, 9, s, 2);
	double a = (double)bits_at(q, 9, s - 53, 53) * 0x1p-53;
	double b = (double)bits_at(q, 9, s - 106, 53) * 0x1p-106;
	double c = (double)bits_at(q, 9, s - 159, 53) * 0x1p-159;
	dd f = dd_add_d(dd_two_sum(a, b), c);
	if (f.hi >= 0.5) {
		f = dd_add_d(f, -1.0);
		quad++;
	}
	*r = dd_mul(f, PI_2);
	return quad & 3;
}

/* sin r and cos r for |r| <= pi/4: Taylor polynomials to degree 27 and
 * 28 (the next terms are below 2^-110 relative), Horner in r^2. */
static dd sin_series(dd r)
{
	dd r2 = dd_mul(r, r), p = dd_neg(INV_FACT[27]);
	for (int n = 25; n >= 1; n -= 2)
		p = dd_add(dd_mul(p, r2), (n & 2) ? dd_neg(INV_FACT[n]) : INV_FACT[n]);
	return dd_mul(p, r);
}

static dd cos_series(dd r)
{
	dd r2 = dd_mul(r, r), p = INV_FACT[28];
	for (int n = 26; n >= 0; n -= 2)
		p = dd_add(dd_mul(p, r2), (n & 2) ? dd_neg(INV_FACT[n]) : INV_FACT[n]);
	return p;
}

/* sin (want_cos false) or cos of x as a double-double, x finite. */
static dd sincos_dd(double x, bool want_cos)
{
	dd r;
	int q = reduce_pi_2(fabs_(x), &r);
	if (x < 0) {
		/* x = -(q pi/2 + r) = (-q) pi/2 + (-r) */
		r = dd_neg(r);
		q = (4 - q) & 3;
	}
	if (want_cos)
		q = (q + 1) & 3; /* cos x = sin(x + pi/2) */
	switch (q) {
	case 0:
		return sin_series(r);
	case 1:
		return cos_series(r);
	case 2:
		return dd_neg(sin_series(r));
	default:
		return dd_neg(cos_series(r));
	}
}

int qv_math_sin(double x, double *out)
{
	if (is_nan(x) || x == 0.0 || fabs_(x) < 0x1p-500) {
		*out = x;
		return QV_MATH_OK;
	}
	if (is_inf(x))
		return QV_MATH_EDOM;
	bool ovf;
	*out = scale_round(sincos_dd(x, false), 0, &ovf);
	return QV_MATH_OK;
}

int qv_math_cos(double x, double *out)
{
	if (is_nan(x)) {
		*out = x;
		return QV_MATH_OK;
	}
	if (is_inf(x))
		return QV_MATH_EDOM;
	bool ovf;
	*out = scale_round(sincos_dd(x, true), 0, &ovf);
	return QV_MATH_OK;
}

int qv_math_tan(double x, double *out)
{
	if (is_nan(x) || x == 0.0 || fabs_(x) < 0x1p-500) {
		*out = x;
		return QV_MATH_OK;
	}
	if (is_inf(x))
		return QV_MATH_EDOM;
	dd r;
	int q = reduce_pi_2(fabs_(x), &r);
	dd s = sin_series(r), c = cos_series(r);
	dd t = (q & 1) ? dd_neg(dd_div(c, s)) : dd_div(s, c);
	if (x < 0)
		t = dd_neg(t);
	bool ovf;
	*out = scale_round(t, 0, &ovf);
	return QV_MATH_OK;
}

/* atan(t) for t >= 0 as a double-double. */
static dd atan_dd(dd t)
{
	bool inv = t.hi > 1.0;
	if (inv)
		t = dd_div(dd_d(1.0), t);
	/* three halvings: atan t = 2 atan(t / (1 + sqrt(1 + t^2))) */
	for (int i = 0; i < 3; i++)
		t = dd_div(t, dd_add_d(dd_sqrt(dd_add_d(dd_mul(t, t), 1.0)), 1.0));
	dd t2 = dd_mul(t, t), term = t, sum = t;
	for (int n = 1; n < 31; n++) {
		term = dd_mul(term, dd_neg(t2));
		dd a = dd_mul(term, INV[2 * n + 1]);
		sum = dd_add(sum, a);
		if (fabs_(a.hi) < 1e-34 * fabs_(sum.hi))
			break;
	}
	sum = dd_scale(sum, 8.0);
	return inv ? dd_sub(PI_2, sum) : sum;
}

int qv_math_atan(double x, double *out)
{
	if (is_nan(x) || x == 0.0 || fabs_(x) < 0x1p-500) {
		*out = x;
		return QV_MATH_OK;
	}
	if (is_inf(x)) {
		*out = copysign_(PI_2.hi, x);
		return QV_MATH_OK;
	}
	dd t = fabs_(x) > 0x1p500 ? dd_sub(PI_2, dd_d(1.0 / fabs_(x))) : atan_dd(dd_d(fabs_(x)));
	bool ovf;
	*out = copysign_(scale_round(t, 0, &ovf), x);
	return QV_MATH_OK;
}

/* atan2 for finite, nonzero-or-zero arguments, x and y not both zero. */
static double atan2_finite(double y, double x)
{
	double ay = fabs_(y), ax = fabs_(x);
	dd t;
	/* scale both into [2^-600, 2^600] around 1 so the double-double
	 * quotient cannot overflow; a ratio below 2^-600 is its own atan */
	if (ay <= ax) {
		double q = ay / ax;
		if (q < 0x1p-600) {
			t = dd_d(q);
		} else {
			double sc = ax > 0x1p500 ? 0x1p-600 : (ax < 0x1p-500 ? 0x1p600 : 1.0);
			t = atan_dd(dd_div(dd_d(ay * sc), dd_d(ax * sc)));
		}
	} else {
		double q = ax / ay;
		double sc = ay > 0x1p500 ? 0x1p-600 : (ay < 0x1p-500 ? 0x1p600 : 1.0);
		t = q < 0x1p-600 ? dd_sub(PI_2, dd_d(q))
				 : dd_sub(PI_2, atan_dd(dd_div(dd_d(ax * sc), dd_d(ay * sc))));
	}
	if (sign_bit(x))
		t = dd_sub(PI, t);
	bool ovf;
	return copysign_(scale_round(t, 0, &ovf), y);
}

int qv_math_atan2(double y, double x, double *out)
{
	if (is_nan(x) || is_nan(y)) {
		*out = QV_NAN;
		return QV_MATH_OK;
	}
	if (is_inf(y)) {
		double a = is_inf(x) ? (sign_bit(x) ? 3 * PI_2.hi / 2 : PI_2.hi / 2) : PI_2.hi;
		*out = copysign_(a, y);
		return QV_MATH_OK;
	}
	if (is_inf(x) || y == 0.0) {
		*out = copysign_(sign_bit(x) ? PI.hi : 0.0, y);
		return QV_MATH_OK;
	}
	*out = atan2_finite(y, x);
	return QV_MATH_OK;
}

/* sqrt(1 - x^2) as a double-double for |x| <= 1. */
static dd cos_of_asin(double ax)
{
	dd one_minus = dd_two_sum(1.0, -ax), one_plus = dd_two_sum(1.0, ax);
	return dd_sqrt(dd_mul(one_minus, one_plus));
}

int qv_math_asin(double x, double *out)
{
	if (is_nan(x) || x == 0.0 || fabs_(x) < 0x1p-500) {
		*out = x;
		return QV_MATH_OK;
	}
	double ax = fabs_(x);
	if (ax > 1.0)
		return QV_MATH_EDOM;
	dd c = cos_of_asin(ax);
	dd t = c.hi == 0.0 ? PI_2 : atan_dd(dd_div(dd_d(ax), c));
	bool ovf;
	*out = copysign_(scale_round(t, 0, &ovf), x);
	return QV_MATH_OK;
}

int qv_math_acos(double x, double *out)
{
	if (is_nan(x)) {
		*out = x;
		return QV_MATH_OK;
	}
	double ax = fabs_(x);
	if (ax > 1.0)
		return QV_MATH_EDOM;
	dd t;
	if (ax < 0x1p-60) {
		t = dd_sub(PI_2, dd_d(x)); /* acos x = pi/2 - x - x^3/6 ... */
	} else {
		t = atan_dd(dd_div(cos_of_asin(ax), dd_d(ax)));
		if (x < 0)
			t = dd_sub(PI, t);
	}
	bool ovf;
	*out = scale_round(t, 0, &ovf);
	return QV_MATH_OK;
}

int qv_math_hypot(double x, double y, double *out)
{
	if (is_inf(x) || is_inf(y)) {
		*out = QV_INF;
		return QV_MATH_OK;
	}
	if (is_nan(x) || is_nan(y)) {
		*out = QV_NAN;
		return QV_MATH_OK;
	}
	double ax = fabs_(x), ay = fabs_(y);
	double big = ax > ay ? ax : ay, small = ax > ay ? ay : ax;
	if (big == 0.0) {
		*out = 0.0;
		return QV_MATH_OK;
	}
	/* scale the larger into [1, 2): squares stay exact double-doubles */
	uint64_t u = qv_dbits(big);
	int ex = (int)((u >> 52) & 0x7ff) - QV_DBL_EXP_BIAS;
	if (ex < -1022)
		ex = -1022;
	double sb = big, ss = small;
	int rem = -ex;
	while (rem != 0) {
		int step = rem > 1000 ? 1000 : (rem < -1000 ? -1000 : rem);
		sb *= pow2(step);
		ss *= pow2(step);
		rem -= step;
	}
	dd sum = dd_add(dd_two_prod(sb, sb), dd_two_prod(ss, ss));
	bool ovf;
	/* CPython's hypot returns inf on overflow rather than raising */
	*out = scale_round(dd_sqrt(sum), ex, &ovf);
	return QV_MATH_OK;
}

int qv_math_degrees(double x, double *out)
{
	*out = x * (180.0 / PI.hi);
	return QV_MATH_OK;
}

int qv_math_radians(double x, double *out)
{
	*out = x * (PI.hi / 180.0);
	return QV_MATH_OK;
}

/* ---- hyperbolic functions ---------------------------------------------------- */

int qv_math_sinh(double x, double *out)
{
	double ax = fabs_(x);
	if (is_nan(x) || is_inf(x) || x == 0.0 || ax < 0x1p-500) {
		*out = x;
		return QV_MATH_OK;
	}
	if (ax > 711.0)
		return QV_MATH_ERANGE;
	dd v;
	int k = 0;
	if (ax < 1.0) {
		/* odd series: no cancellation near zero */
		dd r = dd_d(ax), r2 = dd_two_prod(ax, ax), term = r;
		v = r;
		for (int n = 1; n < 30; n++) {
			term = dd_div_d(dd_mul(term, r2), (double)((2 * n) * (2 * n + 1)));
			v = dd_add(v, term);
			if (term.hi < 1e-34 * v.hi)
				break;
		}
	} else {
		dd e = exp_dd(dd_d(ax), &k);
		/* sinh = (e 2^k - e^-1 2^-k) / 2 */
		if (k < 60)
			e = dd_sub(e, dd_scale(dd_div(dd_d(1.0), e), pow2(-2 * k)));
		v = e;
		k -= 1;
	}
	bool ovf;
	double r = scale_round(v, k, &ovf);
	if (ovf)
		return QV_MATH_ERANGE;
	*out = copysign_(r, x);
	return QV_MATH_OK;
}

int qv_math_cosh(double x, double *out)
{
	double ax = fabs_(x);
	if (is_nan(x) || is_inf(x)) {
		*out = ax;
		return QV_MATH_OK;
	}
	if (ax > 711.0)
		return QV_MATH_ERANGE;
	int k;
	dd e = exp_dd(dd_d(ax), &k);
	if (k < 60)
		e = dd_add(e, dd_scale(dd_div(dd_d(1.0), e), pow2(-2 * k)));
	bool ovf;
	double r = scale_round(e, k - 1, &ovf);
	if (ovf)
		return QV_MATH_ERANGE;
	*out = r;
	return QV_MATH_OK;
}

int qv_math_tanh(double x, double *out)
{
	double ax = fabs_(x);
	if (is_nan(x) || x == 0.0 || ax < 0x1p-500) {
		*out = x;
		return QV_MATH_OK;
	}
	if (ax > 22.0) {
		*out = copysign_(1.0, x);
		return QV_MATH_OK;
	}
	/* tanh |x| = em / (em + 2), em = expm1(2|x|) */
	dd em = expm1_dd(dd_d(2.0 * ax));
	dd t = dd_div(em, dd_add_d(em, 2.0));
	bool ovf;
	*out = copysign_(scale_round(t, 0, &ovf), x);
	return QV_MATH_OK;
}

int qv_math_asinh(double x, double *out)
{
	double ax = fabs_(x);
	if (is_nan(x) || is_inf(x) || x == 0.0 || ax < 0x1p-500) {
		*out = x;
		return QV_MATH_OK;
	}
	dd v;
	if (ax > 0x1p500) {
		v = dd_add(log_dd(dd_d(ax)), LN2);
	} else {
		dd x2 = dd_two_prod(ax, ax);
		dd root = dd_sqrt(dd_add_d(x2, 1.0));
		/* log1p(|x| + x^2 / (1 + sqrt(1 + x^2))): exact near zero */
		dd arg = dd_add_d(dd_div(x2, dd_add_d(root, 1.0)), ax);
		v = log_dd(dd_add_d(arg, 1.0));
	}
	bool ovf;
	*out = copysign_(scale_round(v, 0, &ovf), x);
	return QV_MATH_OK;
}

int qv_math_acosh(double x, double *out)
{
	if (is_nan(x) || x == QV_INF) {
		*out = x;
		return QV_MATH_OK;
	}
	if (x < 1.0)
		return QV_MATH_EDOM;
	dd v;
	if (x > 0x1p500) {
		v = dd_add(log_dd(dd_d(x)), LN2);
	} else {
		/* log1p(t), t = (x - 1) + sqrt((x - 1)(x + 1)) */
		dd xm1 = dd_two_sum(x, -1.0), xp1 = dd_two_sum(x, 1.0);
		dd t = dd_add(xm1, dd_sqrt(dd_mul(xm1, xp1)));
		v = log_dd(dd_add_d(t, 1.0));
	}
	bool ovf;
	*out = scale_round(v, 0, &ovf);
	return QV_MATH_OK;
}

int qv_math_atanh(double x, double *out)
{
	double ax = fabs_(x);
	if (is_nan(x) || x == 0.0 || ax < 0x1p-500) {
		*out = x;
		return QV_MATH_OK;
	}
	if (ax >= 1.0)
		return QV_MATH_EDOM;
	/* atanh |x| = log((1 + |x|) / (1 - |x|)) / 2 */
	dd q = dd_div(dd_two_sum(1.0, ax), dd_two_sum(1.0, -ax));
	dd v = dd_scale(log_dd(q), 0.5);
	bool ovf;
	*out = copysign_(scale_round(v, 0, &ovf), x);
	return QV_MATH_OK;
}

/* ---- error function ------------------------------------------------------------ */

/* exp(-x^2) as m * 2^k, with x^2 formed exactly. */
static dd exp_minus_square(double x, int *k)
{
	return exp_dd(dd_neg(dd_two_prod(x, x)), k);
}

/* erf(x) for |x| <= 3 as a double-double:
 * (2/sqrt(pi)) e^-x^2 sum 2^n x^(2n+1) / (1 3 5 ... (2n+1)), all terms
 * of one sign, so nothing cancels. */
static dd erf_series(double x)
{
	dd x2 = dd_scale(dd_two_prod(x, x), 2.0), term = dd_d(x), sum = dd_d(x);
	for (int n = 1; n < 200; n++) {
		term = dd_mul(term, x2);
		term = 2 * n + 1 < 64 ? dd_mul(term, INV[2 * n + 1]) : dd_div_d(term, (double)(2 * n + 1));
		sum = dd_add(sum, term);
		if (fabs_(term.hi) < 1e-34 * fabs_(sum.hi))
			break;
	}
	int k;
	dd e = exp_minus_square(x, &k);
	return dd_scale(dd_mul(dd_mul(sum, e), TWO_OVER_SQRTPI), pow2(k));
}

/* erfc(x) for x >= 3: e^-x^2 / sqrt(pi) / K with the continued fraction
 * K = x + (1/2) / (x + 1 / (x + (3/2) / (x + ...))), evaluated from the
 * tail. Returns m and the binary exponent separately (it may underflow). */
static dd erfc_cf(double x, int *k)
{
	int terms = 40 + (int)(2500.0 / (x * x));
	dd t = dd_d(x);
	for (int n = terms; n >= 1; n--)
		t = dd_add_d(dd_div(dd_d(0.5 * n), t), x);
	dd e = exp_minus_square(x, k);
	return dd_div(dd_mul(e, INV_SQRTPI), t);
}

int qv_math_erf(double x, double *out)
{
	double ax = fabs_(x);
	bool ovf;
	if (is_nan(x) || x == 0.0) {
		*out = x;
		return QV_MATH_OK;
	}
	if (ax < 0x1p-500) {
		*out = scale_round(dd_mul_d(TWO_OVER_SQRTPI, x * 0x1p100), -100, &ovf);
		return QV_MATH_OK;
	}
	if (ax >= 6.0) {
		*out = copysign_(1.0, x);
		return QV_MATH_OK;
	}
	dd v;
	if (ax <= 3.0) {
		v = erf_series(ax);
	} else {
		int k;
		dd c = erfc_cf(ax, &k);
		v = dd_add_d(dd_neg(dd_scale(c, pow2(k))), 1.0);
	}
	*out = copysign_(scale_round(v, 0, &ovf), x);
	return QV_MATH_OK;
}

int qv_math_erfc(double x, double *out)
{
	bool ovf;
	if (is_nan(x)) {
		*out = x;
		return QV_MATH_OK;
	}
	if (x >= 27.5) {
		*out = 0.0;
		return QV_MATH_OK;
	}
	if (x <= -6.0) {
		*out = 2.0;
		return QV_MATH_OK;
	}
	if (x < 3.0) {
		dd e = fabs_(x) < 0x1p-500 ? dd_d(0.0) : erf_series(fabs_(x));
		if (x < 0)
			e = dd_neg(e);
		*out = scale_round(dd_add_d(dd_neg(e), 1.0), 0, &ovf);
		return QV_MATH_OK;
	}
	int k;
	dd c = erfc_cf(x, &k);
	*out = scale_round(c, k, &ovf);
	return QV_MATH_OK;
}

/* ---- Gamma ---------------------------------------------------------------------- */

/* Stirling's series for log Gamma(w), w >= 20. */
static dd stirling(dd w)
{
	dd lw = log_dd(w);
	dd main_part = dd_sub(dd_mul(dd_add_d(w, -0.5), lw), w);
	dd sum = dd_add(main_part, HALF_LOG_2PI);
	dd iw = dd_div(dd_d(1.0), w), iw2 = dd_mul(iw, iw), p = iw;
	for (int k = 1; k <= 16; k++) {
		dd t = dd_mul(STIRLING[k - 1], p);
		sum = dd_add(sum, t);
		if (fabs_(t.hi) < 1e-34 * fabs_(sum.hi))
			break;
		p = dd_mul(p, iw2);
	}
	return sum;
}

/* log Gamma(z) for z > 0 (double-double), z.hi < 2^900. */
static dd lgamma_pos(dd z)
{
	if (z.hi >= 20.0)
		return stirling(z);
	/* Gamma(z) = Gamma(z + n) / (z (z+1) ... (z+n-1)) */
	dd prod = z, w = z;
	for (;;) {
		w = dd_add_d(w, 1.0);
		if (w.hi >= 20.0)
			break;
		prod = dd_mul(prod, w);
	}
	return dd_sub(stirling(w), log_dd(prod));
}

/* |sin(pi x)| as a double-double and its sign, for finite non-integer x
 * with |x| < 2^52. */
static dd sinpi_abs(double x, bool *negative)
{
	double r = x - 2.0 * round_(x * 0.5); /* exact, in [-1, 1] */
	*negative = r < 0;
	r = fabs_(r);
	if (r > 0.5)
		r = 1.0 - r;
	if (r <= 0.25)
		return sin_series(dd_mul_d(PI, r));
	return cos_series(dd_mul_d(PI, 0.5 - r));
}

/* lgamma(1 + z) = -gamma z + sum_k>=2 (-1)^k zeta(k) z^k / k, and
 * lgamma(2 + z) the same with zeta(k) - 1 and 1 - gamma: for tiny z,
 * where Stirling's absolute error would be large relative to the result. */
static dd lgamma_near(double z, bool around_two)
{
	dd lin = around_two ? dd_add_d(dd_neg(EULER_GAMMA), 1.0) : dd_neg(EULER_GAMMA);
	dd sum = dd_mul_d(lin, z);
	double zk = z;
	for (int k = 2; k <= 7; k++) {
		zk *= z;
		double c = (around_two ? ZETA_M1[k - 2] : ZETA[k - 2]) / k;
		sum = dd_add_d(sum, (k & 1 ? -c : c) * zk);
	}
	return sum;
}

static int lgamma_dd(double x, dd *out, bool *neg_gamma)
{
	*neg_gamma = false;
	if (x <= 0.0 && is_integer(x))
		return QV_MATH_EDOM;
	if (x == 1.0 || x == 2.0) {
		*out = dd_d(0.0);
		return QV_MATH_OK;
	}
	if (fabs_(x - 1.0) < 1e-5) {
		*out = lgamma_near(x - 1.0, false);
		return QV_MATH_OK;
	}
	if (fabs_(x - 2.0) < 1e-5) {
		*out = lgamma_near(x - 2.0, true);
		return QV_MATH_OK;
	}
	if (x > 0) {
		*out = lgamma_pos(dd_d(x));
		return QV_MATH_OK;
	}
	/* reflection: Gamma(x) Gamma(1 - x) = pi / sin(pi x) */
	bool sneg;
	dd s = sinpi_abs(x, &sneg);
	*neg_gamma = sneg;
	dd l = log_dd(dd_div(PI, s));
	*out = dd_sub(l, lgamma_pos(dd_two_sum(1.0, -x)));
	return QV_MATH_OK;
}

int qv_math_lgamma(double x, double *out)
{
	if (is_nan(x)) {
		*out = x;
		return QV_MATH_OK;
	}
	if (is_inf(x)) {
		*out = QV_INF;
		return QV_MATH_OK;
	}
	if (x > 0x1p900) {
		/* x (log x - 1), split so the product's operands stay small */
		dd l = dd_add_d(log_dd(dd_d(x)), -1.0);
		bool ovf;
		double v = scale_round(dd_mul_d(l, x * 0x1p-200), 200, &ovf);
		if (ovf)
			return QV_MATH_ERANGE;
		*out = v;
		return QV_MATH_OK;
	}
	if (x < -0x1p52)
		return QV_MATH_EDOM; /* every such double is an integer */
	if (x != 0.0 && fabs_(x) < 0x1p-1000) {
		/* lgamma x = -log|x| - gamma x + ...: the rest is below an ulp */
		bool ovf;
		*out = scale_round(dd_neg(log_dd(dd_d(fabs_(x)))), 0, &ovf);
		return QV_MATH_OK;
	}
	dd v;
	bool neg;
	int err = lgamma_dd(x, &v, &neg);
	if (err)
		return err;
	bool ovf;
	*out = scale_round(v, 0, &ovf);
	return ovf ? QV_MATH_ERANGE : QV_MATH_OK;
}

int qv_math_gamma(double x, double *out)
{
	if (is_nan(x) || x == QV_INF) {
		*out = x;
		return QV_MATH_OK;
	}
	if (x == -QV_INF || x == 0.0 || (x < 0 && is_integer(x)))
		return QV_MATH_EDOM;
	if (x > 172.0)
		return QV_MATH_ERANGE;
	if (fabs_(x) < 0x1p-1000) {
		/* Gamma x = 1/x - gamma + ...: the rest is below an ulp */
		double v = 1.0 / x;
		if (is_inf(v))
			return QV_MATH_ERANGE;
		*out = v;
		return QV_MATH_OK;
	}
	if (x < -190.0) {
		/* |Gamma| < 2^-1100: underflows, with the sign of sin(pi x) */
		bool sneg;
		sinpi_abs(x, &sneg);
		*out = sneg ? -0.0 : 0.0;
		return QV_MATH_OK;
	}
	dd l;
	bool neg;
	int err = lgamma_dd(x, &l, &neg);
	if (err)
		return err;
	int k;
	dd m = exp_dd(l, &k);
	bool ovf;
	double v = scale_round(m, k, &ovf);
	if (ovf)
		return QV_MATH_ERANGE;
	*out = neg ? -v : v;
	return QV_MATH_OK;
}

/* ---- isclose and fsum ------------------------------------------------------------- */

int qv_math_isclose(double a, double b, double rel_tol, double abs_tol, bool *out)
{
	if (rel_tol < 0.0 || abs_tol < 0.0)
		return QV_MATH_EVALUE;
	if (a == b) {
		*out = true;
		return QV_MATH_OK;
	}
	if (is_inf(a) || is_inf(b)) {
		*out = false;
		return QV_MATH_OK;
	}
	double diff = fabs_(b - a);
	*out = diff <= fabs_(rel_tol * b) || diff <= fabs_(rel_tol * a) || diff <= abs_tol;
	return QV_MATH_OK;
}

void qv_fsum_init(qv_fsum_state *st)
{
	st->n = 0;
	st->special_sum = 0.0;
	st->inf_sum = 0.0;
	st->err = QV_MATH_OK;
}

int qv_fsum_add(qv_fsum_state *st, double x)
{
	if (st->err)
		return st->err;
	if (!is_finite(x)) {
		/* CPython drops the partials here, which decides whether a
		 * later finite overflow is still reported */
		if (is_inf(x))
			st->inf_sum += x;
		st->special_sum += x;
		st->n = 0;
		return QV_MATH_OK;
	}
	int i = 0;
	for (int j = 0; j < st->n; j++) {
		double y = st->p[j];
		if (fabs_(x) < fabs_(y)) {
			double t = x;
			x = y;
			y = t;
		}
		double hi = x + y, lo = y - (hi - x);
		if (lo != 0.0)
			st->p[i++] = lo;
		x = hi;
	}
	st->n = i;
	if (x != 0.0) {
		if (!is_finite(x)) {
			st->err = QV_MATH_EFSUM_OVERFLOW;
			return st->err;
		}
		if (st->n >= QV_FSUM_PARTIALS) {
			st->err = QV_MATH_EFSUM_OVERFLOW; /* cannot happen: see qvmath.h */
			return st->err;
		}
		st->p[st->n++] = x;
	}
	return QV_MATH_OK;
}

int qv_fsum_result(const qv_fsum_state *st, double *out)
{
	if (st->err)
		return st->err;
	if (st->special_sum != 0.0 || is_nan(st->special_sum)) {
		if (is_nan(st->inf_sum))
			return QV_MATH_EINFNAN;
		*out = st->special_sum;
		return QV_MATH_OK;
	}
	int n = st->n;
	double hi = 0.0, lo = 0.0;
	if (n > 0) {
		hi = st->p[--n];
		/* add from the top until the sum stops being exact */
		while (n > 0) {
			double x = hi, y = st->p[--n];
			hi = x + y;
			double yr = hi - x;
			lo = y - yr;
			if (lo != 0.0)
				break;
		}
		/* half-way case: the rest of the partials decide the direction */
		if (n > 0 && ((lo < 0.0 && st->p[n - 1] < 0.0) || (lo > 0.0 && st->p[n - 1] > 0.0))) {
			double y = lo * 2.0, x = hi + y, yr = x - hi;
			if (y == yr)
				hi = x;
		}
	}
	*out = hi;
	return QV_MATH_OK;
}
