/* The plain C loop the compiled key derivation is measured against: ECMA-376's iterated SHA-512 written the
 * obvious way, H = SHA-512(LE32(i) + H) through a general SHA-512 function over a 68-byte buffer, 100,000 times.
 *
 *   kdf_loop own COUNT       samrehab's own SHA-512 (src/samrehab_cli/storage/_sha512.h)
 *   kdf_loop openssl COUNT   OpenSSL's SHA-512 (when built with -DWITH_OPENSSL -lcrypto)
 *
 * Prints the median milliseconds of COUNT derivations. Built by the benchmark with the best flags for this
 * machine (-O3 -march=native).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "_sha512.h"
#ifdef WITH_OPENSSL
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#endif

#define SPIN 100000

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    unsigned char buffer[68], hash[64];
    int openssl = argc > 1 && strcmp(argv[1], "openssl") == 0;
    int count = argc > 2 ? atoi(argv[2]) : 5, n;
    double times[1000];
    if (count < 1 || count > 1000)
        return 2;
#ifndef WITH_OPENSSL
    if (openssl)
        return 3;
#endif
    for (n = 0; n < count; n++) {
        uint32_t i;
        double start = now_ms();
        sha512((const unsigned char *)"salt-of-16-bytes", 16, hash);
        for (i = 0; i < SPIN; i++) {
            buffer[0] = (unsigned char)i;
            buffer[1] = (unsigned char)(i >> 8);
            buffer[2] = (unsigned char)(i >> 16);
            buffer[3] = (unsigned char)(i >> 24);
            memcpy(buffer + 4, hash, 64);
#ifdef WITH_OPENSSL
            if (openssl) {
                SHA512_CTX context;
                SHA512_Init(&context);
                SHA512_Update(&context, buffer, sizeof(buffer));
                SHA512_Final(hash, &context);
                continue;
            }
#endif
            sha512(buffer, sizeof(buffer), hash);
        }
        times[n] = now_ms() - start;
    }
    qsort(times, (size_t)count, sizeof(double), compare);
    printf("%.3f %02x\n", times[count / 2], hash[0]);
    return 0;
}
