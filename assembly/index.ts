// The module's exports: every kernel the host calls, nothing else.
export { dense_forward, dense_backward_data, dense_backward_weights, dense_backward_sgd, column_sums } from "./dense";
export {
  sigmoid_forward, sigmoid_backward, relu_forward, relu_backward, leaky_relu_forward, leaky_relu_backward,
  tanh_forward, tanh_backward, copy_floats, softmax_forward,
} from "./activation";
export { dropout_forward, dropout_backward } from "./dropout";
export {
  output_error, sum_squared_error, cross_entropy, binary_cross_entropy, sum_absolute_error, sign_error,
  sum_huber_error, clipped_error,
} from "./loss";
export { sgd, momentum, adam, add_scaled, scale_floats, sum_squares } from "./optimizer";
export { scale_bytes, count_nonzero_bytes } from "./input";
export { count_nonzeros, sparse_rows, transpose, sparse_forward, sparse_columns, sparse_weight_gradient, sparse_sgd, sparse_momentum } from "./sparse";
export { im2col, col2im, maxpool_forward, maxpool_backward, avgpool_forward, avgpool_backward } from "./conv";
export {
  pack_filters, pad_images, crop_images, direct_conv_forward, direct_conv_backward_weights, direct_conv_backward_data,
} from "./conv-direct";
export { batchnorm_forward, batchnorm_backward } from "./batchnorm";

/** End of the module's static data (Math.log's tables): the host lays tensors out above it. */
export function heap_base(): usize {
  return __heap_base;
}
