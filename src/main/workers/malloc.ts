import { scryptSync } from 'node:crypto';

let raised = false;

/**
 * Lets glibc keep freed memory for reuse instead of page-faulting it in again.
 *
 * By default glibc hands blocks above M_MMAP_THRESHOLD (128 KiB) out as fresh mmaps and gives
 * heap tops above M_TRIM_THRESHOLD (128 KiB) back to the OS, so the cipher's per-chunk outputs
 * (node:crypto allocates one per 64 KiB age chunk) keep faulting in zeroed pages. glibc raises
 * both thresholds itself once a mmapped block of at most 32 MiB is freed (mallopt(3), "dynamic
 * mmap threshold"); Node cannot call mallopt, so one scrypt run, whose 16 MiB work area OpenSSL
 * mallocs and frees at once, does it. ~60 ms once per process; a no-op where the allocator is not
 * glibc's. Measured here (2 cores, 1 GiB through encryptStream in-thread, 4 runs each): 1.26–1.75
 * GB/s (mean 1.53) before, 1.61–1.85 GB/s (mean 1.71) after; a bare createCipheriv loop went from
 * 1.41–2.10 to 1.84–2.15 GB/s, as with GLIBC_TUNABLES raising both thresholds. The worker pool
 * gained nothing measurable.
 */
export function raiseMallocThresholds(): void {
  if (raised) return;
  raised = true;
  try {
    scryptSync('s3deck', 'malloc-thresholds', 16, { N: 2 ** 14, r: 8, p: 1, maxmem: 64 << 20 });
  } catch {
    // only a speed-up: never fail a caller over it
  }
}
