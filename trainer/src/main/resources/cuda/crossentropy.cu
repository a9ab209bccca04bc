// Fused softmax + cross-entropy, one block per row of logits (N, V) stored with row stride logits_stride >= V
// (padded to a multiple of 64 so the head's products get aligned leading dimensions). Writes the row's loss
// (logsumexp - logit[target]) and, when write_gradient, overwrites the logits in place with
// dL/dlogits = (softmax - onehot(target)) * gradient_scale (gradient_scale = 1/N for the mean loss).
// Targets are positions 1..T of each token row (row_stride = T + 1); the host has validated them against V.
// Two passes over the row: an online max-and-sum (each thread rescales its running sum when its maximum grows,
// once per eight logits read in one access), then the gradient. Logits are fp32 (FP32 mode) or bf16 (BF16 mode:
// the head's product writes bf16, halving the largest activation of the step); statistics are fp32 either way.


// Eight consecutive logits from v (a multiple of 8; the row start 16-byte aligned): one 16-byte access for bf16,
// two for fp32.
__device__ __forceinline__ void load8(const unsigned short* x, int v, float* out) {
  uint4 raw = *(const uint4*)(x + v);
  unsigned words[4] = {raw.x, raw.y, raw.z, raw.w};
#pragma unroll
  for (int k = 0; k < 4; k++) {
    out[2 * k] = __uint_as_float(words[k] << 16);
    out[2 * k + 1] = __uint_as_float(words[k] & 0xffff0000u);
  }
}
__device__ __forceinline__ void load8(const float* x, int v, float* out) {
  float4 a = *(const float4*)(x + v);
  float4 b = *(const float4*)(x + v + 4);
  out[0] = a.x; out[1] = a.y; out[2] = a.z; out[3] = a.w;
  out[4] = b.x; out[5] = b.y; out[6] = b.z; out[7] = b.w;
}
__device__ __forceinline__ void store8(unsigned short* x, int v, const float* in) {
  unsigned words[4];
#pragma unroll
  for (int k = 0; k < 4; k++) words[k] = (unsigned)bf16_bits(in[2 * k]) | ((unsigned)bf16_bits(in[2 * k + 1]) << 16);
  *(uint4*)(x + v) = make_uint4(words[0], words[1], words[2], words[3]);
}
__device__ __forceinline__ void store8(float* x, int v, const float* in) {
  *(float4*)(x + v) = make_float4(in[0], in[1], in[2], in[3]);
  *(float4*)(x + v + 4) = make_float4(in[4], in[5], in[6], in[7]);
}

// The running (max, sum of exp(x - max)) of one thread, updated with one more value.
__device__ __forceinline__ void online_add(float& local_max, float& local_sum, float value) {
  if (value > local_max) {
    local_sum = local_sum * expf(local_max - value) + 1.0f;
    local_max = value;
  } else {
    local_sum += expf(value - local_max);
  }
}

template <typename Logit>
__device__ void crossentropy(Logit* logits, float* losses, const int* tokens, int T, int V, int logits_stride,
                             int row_stride, float gradient_scale, int write_gradient) {
  __shared__ float shared32[32];
  long long row = blockIdx.x;
  int b = (int)(row / T);
  int t = (int)(row % T);
  int target = tokens[(long long)b * row_stride + t + 1];
  Logit* x = logits + row * logits_stride;
  // Columns [0, vector_end) eight at a time (when the row stride keeps rows aligned), the rest one at a time.
  int vector_end = (logits_stride & 7) == 0 ? V & ~7 : 0;
  float local_max = NEG_INF;
  float local_sum = 0.0f;
  for (int v = 8 * threadIdx.x; v < vector_end; v += 8 * blockDim.x) {
    float values[8];
    load8(x, v, values);
    float chunk_max = values[0];
#pragma unroll
    for (int k = 1; k < 8; k++) chunk_max = fmaxf(chunk_max, values[k]);
    if (chunk_max > local_max) {
      local_sum *= expf(local_max - chunk_max);
      local_max = chunk_max;
    }
#pragma unroll
    for (int k = 0; k < 8; k++) local_sum += expf(values[k] - local_max);
  }
  for (int v = vector_end + threadIdx.x; v < V; v += blockDim.x) online_add(local_max, local_sum, load_value(x, v));
  float row_max = block_max(local_max, shared32);
  float row_sum = block_sum(local_max == NEG_INF ? 0.0f : local_sum * expf(local_max - row_max), shared32);
  float log_sum = row_max + logf(row_sum);
  float target_logit = load_value(x, target);
  // Every thread has read x[target] before any thread overwrites the row.
  __syncthreads();
  if (threadIdx.x == 0) losses[row] = log_sum - target_logit;
  if (write_gradient) {
    for (int v = 8 * threadIdx.x; v < vector_end; v += 8 * blockDim.x) {
      float values[8];
      load8(x, v, values);
#pragma unroll
      for (int k = 0; k < 8; k++) {
        values[k] = (expf(values[k] - log_sum) - (v + k == target ? 1.0f : 0.0f)) * gradient_scale;
      }
      store8(x, v, values);
    }
    for (int v = vector_end + threadIdx.x; v < V; v += blockDim.x) {
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
