/** "1 epoch", "3 epochs", "2 classes": a count with its noun, singular for one; `nouns` where the plural is not noun + s. */
export const plural = (n: number, noun: string, nouns = `${noun}s`) => `${n} ${n === 1 ? noun : nouns}`;
