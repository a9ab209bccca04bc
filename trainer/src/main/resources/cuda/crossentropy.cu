// Fused softmax + cross-entropy, one block per row of logits (N, V) stored with row stride logits_stride >= V
// (padded to a multiple of 64 so the head's products get aligned leading dimensions). Writes the row's loss
// (logsumexp - logit[target]) and, when write_gradient, overwrites the logits in place with
// dL/dlogits = (softmax - onehot(target)) * gradient_scale (gradient_scale = 1/N for the mean loss).
// Targets are positions 1..T of each token row (row_stride = T + 1); the host has validated them against V.
// Two passes over the row: an online max-and-sum (each thread rescales its running sum when its maximum grows),
// then the gradient. Logits are fp32 (FP32 mode) or bf16 (BF16 mode: the head's product writes bf16, halving the
// largest activation of the step); statistics are fp32 either way.


template <typename Logit>
__device__ void crossentropy(Logit* logits, float* losses, const int* tokens, int T, int V, int logits_stride,
                             int row_stride, float gradient_scale, int write_gradient) {
  __shared__ float shared32[32];
  long long row = blockIdx.x;
  int b = (int)(row / T);
  int t = (int)(row % T);
  int target = tokens[(long long)b * row_stride + t + 1];
  Logit* x = logits + row * logits_stride;
  float local_max = NEG_INF;
  float local_sum = 0.0f;
  for (int v = threadIdx.x; v < V; v += blockDim.x) {
    float value = load_value(x, v);
    if (value > local_max) {
      local_sum = local_sum * expf(local_max - value) + 1.0f;
      local_max = value;
    } else {
      local_sum += expf(value - local_max);
    }
  }
  float row_max = block_max(local_max, shared32);
  float row_sum = block_sum(local_max == NEG_INF ? 0.0f : local_sum * expf(local_max - row_max), shared32);
  float log_sum = row_max + logf(row_sum);
  float target_logit = load_value(x, target);
  // Every thread has read x[target] before any thread overwrites the row.
  __syncthreads();
  if (threadIdx.x == 0) losses[row] = log_sum - target_logit;
  if (write_gradient) {
    for (int v = threadIdx.x; v < V; v += blockDim.x) {
      float p = expf(load_value(x, v) - log_sum);
      store_output(x, v, (p - (v == target ? 1.0f : 0.0f)) * gradient_scale);
    }
  }
}

extern "C" __global__ void crossentropy_forward_backward(float* logits, float* losses, const int* tokens, int B,
                                                         int T, int V, int logits_stride, int row_stride,
                                                         float gradient_scale, int write_gradient) {
  crossentropy(logits, losses, tokens, T, V, logits_stride, row_stride, gradient_scale, write_gradient);
}

extern "C" __global__ void crossentropy_forward_backward_bf16(unsigned short* logits, float* losses,
                                                              const int* tokens, int B, int T, int V,
                                                              int logits_stride, int row_stride,
                                                              float gradient_scale, int write_gradient) {
  crossentropy(logits, losses, tokens, T, V, logits_stride, row_stride, gradient_scale, write_gradient);
}
