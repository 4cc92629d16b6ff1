// Input scaling: uint8 pixels to f32, x = scale·byte, as a batch enters the network.

/**
 * dst[r, i] = scale·src[r, i] for `rows` rows of n bytes: src is u8, its rows srcLd bytes
 * apart, dst f32, its rows dstLd floats apart (the whole batch with n = srcLd = dstLd; a block
 * of a wider batch's inputs into a block of its own, dstLd = n). With SIMD, 8 bytes a step, loaded widened to u16, then widened to u32 → f32
 * (converted as signed: exact for 0–255, and one instruction on x64, where the unsigned
 * conversion takes several); the rest of a row (all of it without SIMD) one at a time. 16
 * bytes a step took 2.8 µs of a training step at batch 32 against 3.0 (one thread), but its
 * code took the build past the size at which npm's gzip compresses each build against its
 * pair (test/package.test.ts): 25 KB more to download.
 */
export function scale_bytes(src: usize, dst: usize, n: i32, srcLd: i32, dstLd: i32, rows: i32, scale: f32): void {
  for (let r = 0; r < rows; r++) {
    const from = src + <usize>r * <usize>srcLd, to = dst + ((<usize>r * <usize>dstLd) << 2);
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      const s = f32x4.splat(scale);
      for (; i + 8 <= n; i += 8) {
        const b = v128.load8x8_u(from + <usize>i), out = to + (<usize>i << 2);
        v128.store(out, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(b)), s));
        v128.store(out, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(b)), s), 16);
      }
    }
    for (; i < n; i++) store<f32>(to + (<usize>i << 2), <f32>load<u8>(from + <usize>i) * scale);
  }
}

/**
 * counts[r] = the non-zero bytes of row r of src [rows × n], its rows ld bytes apart (counts:
 * i32): count_nonzeros of the floats scale_bytes will make of them, for any finite non-zero
 * scale, counted before they are made. With SIMD, 16 bytes at a time: the bitmask of the
 * lanes equal to 0, counted.
 */
export function count_nonzero_bytes(src: usize, n: i32, ld: i32, counts: usize, rows: i32): void {
  const n16 = ASC_FEATURE_SIMD ? n & ~15 : 0;
  for (let r = 0; r < rows; r++) {
    const row = src + <usize>r * <usize>ld;
    let count = n16;
    if (ASC_FEATURE_SIMD) {
      for (let k = 0; k < n16; k += 16) count -= <i32>popcnt(i8x16.bitmask(i8x16.eq(v128.load(row + <usize>k), i8x16.splat(0))));
    }
    for (let k = n16; k < n; k++) count += <i32>(load<u8>(row + <usize>k) != 0);
    store<i32>(counts + (<usize>r << 2), count);
  }
}
