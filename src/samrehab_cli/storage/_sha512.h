/* SHA-512 (FIPS 180-4 §6.4), written for samrehab's Agile key derivation so that the compiled accelerator links
 * nothing a machine may lack (no OpenSSL). Tested against Python's hashlib on the FIPS vectors and on many other
 * inputs (tests/test_agile.py).
 *
 * Included by _agile.c and by the benchmark's plain C loop (tests/benchmarks/kdf_loop.c), so that both time the
 * same compression function. Everything is static: each includer gets its own copy.
 */
#ifndef SAMREHAB_SHA512_H
#define SAMREHAB_SHA512_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static const uint64_t sha512_k[80] = {
    0x428a2f98d728ae22ULL, 0x7137449123ef65cdULL, 0xb5c0fbcfec4d3b2fULL, 0xe9b5dba58189dbbcULL,
    0x3956c25bf348b538ULL, 0x59f111f1b605d019ULL, 0x923f82a4af194f9bULL, 0xab1c5ed5da6d8118ULL,
    0xd807aa98a3030242ULL, 0x12835b0145706fbeULL, 0x243185be4ee4b28cULL, 0x550c7dc3d5ffb4e2ULL,
    0x72be5d74f27b896fULL, 0x80deb1fe3b1696b1ULL, 0x9bdc06a725c71235ULL, 0xc19bf174cf692694ULL,
    0xe49b69c19ef14ad2ULL, 0xefbe4786384f25e3ULL, 0x0fc19dc68b8cd5b5ULL, 0x240ca1cc77ac9c65ULL,
    0x2de92c6f592b0275ULL, 0x4a7484aa6ea6e483ULL, 0x5cb0a9dcbd41fbd4ULL, 0x76f988da831153b5ULL,
    0x983e5152ee66dfabULL, 0xa831c66d2db43210ULL, 0xb00327c898fb213fULL, 0xbf597fc7beef0ee4ULL,
    0xc6e00bf33da88fc2ULL, 0xd5a79147930aa725ULL, 0x06ca6351e003826fULL, 0x142929670a0e6e70ULL,
    0x27b70a8546d22ffcULL, 0x2e1b21385c26c926ULL, 0x4d2c6dfc5ac42aedULL, 0x53380d139d95b3dfULL,
    0x650a73548baf63deULL, 0x766a0abb3c77b2a8ULL, 0x81c2c92e47edaee6ULL, 0x92722c851482353bULL,
    0xa2bfe8a14cf10364ULL, 0xa81a664bbc423001ULL, 0xc24b8b70d0f89791ULL, 0xc76c51a30654be30ULL,
    0xd192e819d6ef5218ULL, 0xd69906245565a910ULL, 0xf40e35855771202aULL, 0x106aa07032bbd1b8ULL,
    0x19a4c116b8d2d0c8ULL, 0x1e376c085141ab53ULL, 0x2748774cdf8eeb99ULL, 0x34b0bcb5e19b48a8ULL,
    0x391c0cb3c5c95a63ULL, 0x4ed8aa4ae3418acbULL, 0x5b9cca4f7763e373ULL, 0x682e6ff3d6b2b8a3ULL,
    0x748f82ee5defb2fcULL, 0x78a5636f43172f60ULL, 0x84c87814a1f0ab72ULL, 0x8cc702081a6439ecULL,
    0x90befffa23631e28ULL, 0xa4506cebde82bde9ULL, 0xbef9a3f7b2c67915ULL, 0xc67178f2e372532bULL,
    0xca273eceea26619cULL, 0xd186b8c721c0c207ULL, 0xeada7dd6cde0eb1eULL, 0xf57d4f7fee6ed178ULL,
    0x06f067aa72176fbaULL, 0x0a637dc5a2c898a6ULL, 0x113f9804bef90daeULL, 0x1b710b35131c471bULL,
    0x28db77f523047d84ULL, 0x32caab7b40c72493ULL, 0x3c9ebe0a15c9bebcULL, 0x431d67c49c100d4cULL,
    0x4cc5d4becb3e42b6ULL, 0x597f299cfc657e2aULL, 0x5fcb6fab3ad6faecULL, 0x6c44198c4a475817ULL,
};

static const uint64_t sha512_initial[8] = {
    0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
    0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
};

#define SHA512_ROTR(x, n) (((x) >> (n)) | ((x) << (64 - (n))))

/* Inlined into their callers, so that a caller compiled for a newer instruction set (rorx, _agile.c) gets the
 * whole hash in those instructions. */
#if defined(__GNUC__) || defined(__clang__)
#define SHA512_INLINE static inline __attribute__((always_inline))
#else
#define SHA512_INLINE static inline
#endif

/* One round of FIPS 180-4 §6.4.2 step 3, on the working variables named in order a … h (each round names them
 * one place further on instead of moving them). */
#define SHA512_ROUND(a, b, c, d, e, f, g, h, k, w)                                                                \
    do {                                                                                                        \
        uint64_t t1_ = (h) + (SHA512_ROTR(e, 14) ^ SHA512_ROTR(e, 18) ^ SHA512_ROTR(e, 41))                     \
                       + ((g) ^ ((e) & ((f) ^ (g)))) + (k) + (w);                                               \
        (d) += t1_;                                                                                             \
        (h) = t1_ + (SHA512_ROTR(a, 28) ^ SHA512_ROTR(a, 34) ^ SHA512_ROTR(a, 39)) + (((a) & (b)) | ((c) & ((a) | (b)))); \
    } while (0)

/* The message schedule kept as 16 words: word t (t >= 16) replaces word t-16. */
#define SHA512_SCHEDULE(w, t)                                                                                   \
    ((w)[(t) & 15] += (SHA512_ROTR((w)[((t) - 2) & 15], 19) ^ SHA512_ROTR((w)[((t) - 2) & 15], 61)            \
                       ^ ((w)[((t) - 2) & 15] >> 6))                                                            \
                      + (w)[((t) - 7) & 15]                                                                     \
                      + (SHA512_ROTR((w)[((t) - 15) & 15], 1) ^ SHA512_ROTR((w)[((t) - 15) & 15], 8)           \
                         ^ ((w)[((t) - 15) & 15] >> 7)))

#define SHA512_EIGHT(t, W)                                                                                      \
    do {                                                                                                        \
        SHA512_ROUND(a, b, c, d, e, f, g, h, sha512_k[(t) + 0], W((t) + 0));                                   \
        SHA512_ROUND(h, a, b, c, d, e, f, g, sha512_k[(t) + 1], W((t) + 1));                                   \
        SHA512_ROUND(g, h, a, b, c, d, e, f, sha512_k[(t) + 2], W((t) + 2));                                   \
        SHA512_ROUND(f, g, h, a, b, c, d, e, sha512_k[(t) + 3], W((t) + 3));                                   \
        SHA512_ROUND(e, f, g, h, a, b, c, d, sha512_k[(t) + 4], W((t) + 4));                                   \
        SHA512_ROUND(d, e, f, g, h, a, b, c, sha512_k[(t) + 5], W((t) + 5));                                   \
        SHA512_ROUND(c, d, e, f, g, h, a, b, sha512_k[(t) + 6], W((t) + 6));                                   \
        SHA512_ROUND(b, c, d, e, f, g, h, a, sha512_k[(t) + 7], W((t) + 7));                                   \
    } while (0)

/* One compression of the 16 message words ``w16`` (already big-endian decoded) into ``state``. */
SHA512_INLINE void sha512_compress(uint64_t state[8], const uint64_t w16[16])
{
    uint64_t w[16];
    uint64_t a = state[0], b = state[1], c = state[2], d = state[3];
    uint64_t e = state[4], f = state[5], g = state[6], h = state[7];
    int t;

    memcpy(w, w16, sizeof(w));
#define SHA512_FIRST(t) w[t]
#define SHA512_LATER(t) SHA512_SCHEDULE(w, t)
    SHA512_EIGHT(0, SHA512_FIRST);
    SHA512_EIGHT(8, SHA512_FIRST);
    for (t = 16; t < 80; t += 16) {
        SHA512_EIGHT(t, SHA512_LATER);
        SHA512_EIGHT(t + 8, SHA512_LATER);
    }
#undef SHA512_FIRST
#undef SHA512_LATER
    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
    state[4] += e;
    state[5] += f;
    state[6] += g;
    state[7] += h;
}

SHA512_INLINE uint64_t sha512_load64(const unsigned char *p)
{
    return ((uint64_t)p[0] << 56) | ((uint64_t)p[1] << 48) | ((uint64_t)p[2] << 40) | ((uint64_t)p[3] << 32)
           | ((uint64_t)p[4] << 24) | ((uint64_t)p[5] << 16) | ((uint64_t)p[6] << 8) | (uint64_t)p[7];
}

SHA512_INLINE void sha512_block(uint64_t state[8], const unsigned char *block)
{
    uint64_t w[16];
    int i;
    for (i = 0; i < 16; i++)
        w[i] = sha512_load64(block + 8 * i);
    sha512_compress(state, w);
}

/* The SHA-512 state of a whole message: its blocks, then the padding (0x80, zeros, the length in bits as 128
 * bits big-endian). Messages here are far shorter than 2^61 bytes, so the high half of the length is 0. */
SHA512_INLINE void sha512_state(const unsigned char *data, size_t len, uint64_t state[8])
{
    unsigned char tail[256];
    size_t full = len - len % 128, rest = len - full, padded, i;
    uint64_t bits = (uint64_t)len << 3;

    memcpy(state, sha512_initial, sizeof(sha512_initial));
    for (i = 0; i < full; i += 128)
        sha512_block(state, data + i);
    memset(tail, 0, sizeof(tail));
    memcpy(tail, data + full, rest);
    tail[rest] = 0x80;
    padded = rest + 1 + 16 <= 128 ? 128 : 256;
    for (i = 0; i < 8; i++)
        tail[padded - 1 - i] = (unsigned char)(bits >> (8 * i));
    for (i = 0; i < padded; i += 128)
        sha512_block(state, tail + i);
}

SHA512_INLINE void sha512_store(const uint64_t state[8], unsigned char out[64])
{
    int i, j;
    for (i = 0; i < 8; i++)
        for (j = 0; j < 8; j++)
            out[8 * i + j] = (unsigned char)(state[i] >> (56 - 8 * j));
}

/* SHA-512 of ``data`` into ``out`` (64 bytes). */
SHA512_INLINE void sha512(const unsigned char *data, size_t len, unsigned char out[64])
{
    uint64_t state[8];
    sha512_state(data, len, state);
    sha512_store(state, out);
}

/* ECMA-376 §2.3.4.11's iteration: H = SHA-512(LE32(i) + H) for i = 0 … spin-1, starting from ``state`` (the
 * words of H). Each message is 68 bytes, one block: the counter's 4 bytes, H's 64 bytes, 0x80, zeros and the
 * length 544 bits. Its words are made straight from H's words, without going through bytes. */
SHA512_INLINE void sha512_iterate(uint64_t state[8], uint64_t spin)
{
    uint64_t w[16], i;
    int k;
    for (i = 0; i < spin; i++) {
        uint32_t n = (uint32_t)i;
        uint64_t counter = ((uint64_t)(n & 0xff) << 24) | ((uint64_t)((n >> 8) & 0xff) << 16)
                           | ((uint64_t)((n >> 16) & 0xff) << 8) | (uint64_t)(n >> 24); /* LE32 read big-endian */
        w[0] = (counter << 32) | (state[0] >> 32);
        for (k = 1; k < 8; k++)
            w[k] = (state[k - 1] << 32) | (state[k] >> 32);
        w[8] = (state[7] << 32) | 0x80000000ULL;
        for (k = 9; k < 15; k++)
            w[k] = 0;
        w[15] = 68 * 8;
        memcpy(state, sha512_initial, sizeof(sha512_initial));
        sha512_compress(state, w);
    }
}

#endif
