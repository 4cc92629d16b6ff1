import { fit, fromExamples } from 'simdnet';

const xor = fromExamples([{ input: [0, 0], output: [0] }, { input: [0, 1], output: [1] }, { input: [1, 0], output: [1] }, { input: [1, 1], output: [0] }]);
const { net } = await fit(xor, { hidden: [{ kind: 'dense', units: 8 }, { kind: 'tanh' }], epochs: 300, learningRate: 0.05 });
console.log('XOR:', Array.from(net.predict([0, 0, 0, 1, 1, 0, 1, 1]).outputs, (p) => p.toFixed(3)));
