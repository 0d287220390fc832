// A native reference for the batch-1 bf16 products of the bench-cpu decoder (issue 19), outside the engine: how fast
// the machine streams one token's weights (8 layers of q/k/v, o, gate/up and down, then the 32064-row output head, 87.4 MB)
// through (a) the engine's own loop (CpuBFloat16Gemv: widen 16 bf16 to float32, FMA, four weight rows at a time, the next
// four prefetched) and (b) the AVX-512 BF16 dot product (vdpbf16ps, 32 pairs an instruction), which .NET has no intrinsic for.
// Each product is one OpenMP region split in 4-row tiles, as KernelTeam splits it. Prints each kernel's median over 30 tokens.
//   gcc -O2 -fopenmp scripts/bench/bf16_products.c -o /tmp/bf16_products && OMP_NUM_THREADS=2 /tmp/bf16_products
#include <immintrin.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint16_t to_bf16(float f) { uint32_t b; memcpy(&b, &f, 4); return (uint16_t)((b + 0x7fffu + ((b >> 16) & 1u)) >> 16); }

__attribute__((target("avx512f")))
static void widen_fma(const float* x, const uint16_t* w, int n, int k, uint16_t* y, int first, int end) {
    for (int col = first; col < end; col += 4) {
        const uint16_t* w0 = w + (long)col * k;
        const uint16_t* next = col + 8 < end ? w0 + 8L * k : NULL;
        __m512 c[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
        for (int i = 0; i < k; i += 16) {
            if (next && (i & 31) == 0)
                for (int r = 0; r < 4; r++) _mm_prefetch((const char*)(next + r * (long)k + i), _MM_HINT_T0);
            __m512 a = _mm512_loadu_ps(x + i);
            for (int r = 0; r < 4; r++) {
                __m256i raw = _mm256_loadu_si256((const __m256i*)(w0 + r * (long)k + i));
                c[r] = _mm512_fmadd_ps(a, _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(raw), 16)), c[r]);
            }
        }
        for (int r = 0; r < 4; r++) y[col + r] = to_bf16(_mm512_reduce_add_ps(c[r]));
    }
}

__attribute__((target("avx512f,avx512bf16")))
static void dot_bf16(const uint16_t* x, const uint16_t* w, int n, int k, uint16_t* y, int first, int end) {
    for (int col = first; col < end; col += 4) {
        const uint16_t* w0 = w + (long)col * k;
        const uint16_t* next = col + 8 < end ? w0 + 8L * k : NULL;
        __m512 c[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
        for (int i = 0; i < k; i += 32) {
            if (next)
                for (int r = 0; r < 4; r++) _mm_prefetch((const char*)(next + r * (long)k + i), _MM_HINT_T0);
            __m512bh a = (__m512bh)_mm512_loadu_si512(x + i);
            for (int r = 0; r < 4; r++) c[r] = _mm512_dpbf16_ps(c[r], a, (__m512bh)_mm512_loadu_si512(w0 + r * (long)k + i));
        }
        for (int r = 0; r < 4; r++) y[col + r] = to_bf16(_mm512_reduce_add_ps(c[r]));
    }
}

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static int by_value(const void* a, const void* b) { double d = *(const double*)a - *(const double*)b; return (d > 0) - (d < 0); }

enum { Layers = 8, Shapes = 5, Tokens = 30 };
static const int shape[Shapes][2] = {{1536, 512}, {512, 512}, {3072, 512}, {512, 1536}, {32064, 512}}; // [out, in]; the head last

int main(void) {
    uint16_t* weights[Layers][Shapes] = {{0}};
    long bytes = 0;
    for (int l = 0; l < Layers; l++)
        for (int s = 0; s < Shapes; s++) {
            if (s == Shapes - 1 && l > 0) continue;   // one output head
            long count = (long)shape[s][0] * shape[s][1];
            weights[l][s] = aligned_alloc(64, count * 2);
            for (long i = 0; i < count; i++) weights[l][s][i] = (uint16_t)(0x3c00 + (rand() & 0xff));
            bytes += count * 2;
        }
    static uint16_t xb[1536], y[32064];
    static float xf[1536];
    for (int i = 0; i < 1536; i++) { xb[i] = (uint16_t)(0x3f80 + (rand() & 0x7f)); uint32_t u = (uint32_t)xb[i] << 16; memcpy(&xf[i], &u, 4); }
    // The two kernels alternate token by token, so a change in the machine's bandwidth during the run hits both alike.
    double seconds[2][Tokens];
    for (int t = 0; t < 2 * Tokens; t++) {
        int kernel = t % 2;
        double start = now();
        for (int l = 0; l < Layers; l++)
            for (int s = 0; s < Shapes; s++) {
                const uint16_t* w = weights[l][s];
                if (!w) continue;
                int n = shape[s][0], k = shape[s][1];
                #pragma omp parallel
                {
                    int part = omp_get_thread_num(), parts = omp_get_num_threads(), tiles = n / 4;
                    int first = part * tiles / parts * 4, end = (part + 1) * tiles / parts * 4;
                    if (kernel == 0) widen_fma(xf, w, n, k, y, first, end); else dot_bf16(xb, w, n, k, y, first, end);
                }
            }
        seconds[kernel][t / 2] = now() - start;
    }
    for (int kernel = 0; kernel < 2; kernel++) {
        qsort(seconds[kernel], Tokens, sizeof seconds[kernel][0], by_value);
        printf("%-22s one token's products: median %.3f ms (%.1f GB/s), best %.3f ms, %d threads\n",
               kernel == 0 ? "widen + FMA (engine's)" : "vdpbf16ps", seconds[kernel][Tokens / 2] * 1e3, bytes / seconds[kernel][Tokens / 2] / 1e9,
               seconds[kernel][0] * 1e3, omp_get_max_threads());
    }
    printf("weights per token %.1f MB\n", bytes / 1e6);
    return 0;
}
