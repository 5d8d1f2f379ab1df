// mx.optimizers: MLX's mlx.optimizers (optimizers, schedules, gradient clipping).

export { Optimizer, type Trainable, type Tree, type Schedule, type Scheduled, type ParamState } from "./optimizer.js";
export { SGD, type SGDOptions } from "./sgd.js";
export { RMSprop, Adagrad, AdaDelta, type RMSpropOptions, type AdagradOptions, type AdaDeltaOptions } from "./adaptive.js";
export { Adam, AdamW, Adamax, type AdamOptions, type AdamWOptions, type AdamaxOptions } from "./adam.js";
export { Lion, type LionOptions } from "./lion.js";
export { Adafactor, type AdafactorOptions } from "./adafactor.js";
export { exponentialDecay, stepDecay, cosineDecay, linearSchedule, joinSchedules, type ScheduleFn } from "./schedules.js";
export { clipGradNorm } from "./clip.js";
