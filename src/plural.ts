/** "1 epoch", "3 epochs": a count with its noun, singular for one. */
export const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
