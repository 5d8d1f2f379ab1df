// mx.nn: MLX's mlx.nn in TypeScript over the package's ops and transforms.

export { Module, type ModuleFilter, type FreezeOptions } from "./module.js";
export { valueAndGrad } from "./value_and_grad.js";
export { checkpoint } from "./checkpoint.js";
export * from "./activations.js";
export * as init from "./init.js";
export * as losses from "./losses.js";
export { Identity, Linear, Bilinear } from "./layers/linear.js";
export { Sequential, type Layer } from "./layers/containers.js";
export { Embedding } from "./layers/embedding.js";
export { LayerNorm, RMSNorm, GroupNorm, BatchNorm, InstanceNorm } from "./layers/normalization.js";
export { Dropout, Dropout2d, Dropout3d } from "./layers/dropout.js";
export { MultiHeadAttention, type MultiHeadAttentionOptions } from "./layers/attention.js";
export {
  TransformerEncoderLayer, TransformerEncoder, TransformerDecoderLayer, TransformerDecoder, Transformer,
  type TransformerLayerOptions, type TransformerStackOptions, type TransformerOptions, type AttentionMask,
} from "./layers/transformer.js";
export { RoPE, SinusoidalPositionalEncoding, ALiBi } from "./layers/positional.js";
export { Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d, type ConvOptions, type ConvTransposeOptions } from "./layers/conv.js";
export { MaxPool1d, MaxPool2d, MaxPool3d, AvgPool1d, AvgPool2d, AvgPool3d } from "./layers/pooling.js";
export { RNN, GRU, LSTM } from "./layers/recurrent.js";
export { Upsample, type UpsampleMode } from "./layers/upsample.js";
