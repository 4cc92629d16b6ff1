/** "1 epoch", "3 epochs", "2 classes": a count with its noun, singular for one; `nouns` where the plural is not noun + s. */
export const plural = (n: number, noun: string, nouns = `${noun}s`) => `${n} ${n === 1 ? noun : nouns}`;

/** "a" or "an" before the number `n` as it is said: an 8, an 11, an 18,000; a 110. */
export function articleFor(n: number): 'a' | 'an' {
  const digits = String(Math.trunc(Math.abs(n)));
  return digits.startsWith('8') || ((digits.length === 2 || digits.length === 5) && /^1[18]/.test(digits)) ? 'an' : 'a';
}
