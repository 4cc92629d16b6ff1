// Input scaling: uint8 pixels to f32, x = scale·byte, as a batch enters the network.

/**
 * dst[i] = scale·src[i] for n bytes: src is n u8 values, dst n f32 values. With SIMD, 16
 * bytes a step, widened u8 → u16 → u32 → f32 (converted as signed: exact for 0–255, and one
 * instruction on x64, where the unsigned conversion takes several); the rest (all of them without SIMD) one at a time.
 */
export function scale_bytes(src: usize, dst: usize, n: i32, scale: f32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const s = f32x4.splat(scale);
    for (; i + 16 <= n; i += 16) {
      const b = v128.load(src + <usize>i);
      const lo = i16x8.extend_low_i8x16_u(b), hi = i16x8.extend_high_i8x16_u(b);
      const out = dst + (<usize>i << 2);
      v128.store(out, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(lo)), s));
      v128.store(out, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(lo)), s), 16);
      v128.store(out, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(hi)), s), 32);
      v128.store(out, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(hi)), s), 48);
    }
  }
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), <f32>load<u8>(src + <usize>i) * scale);
}
