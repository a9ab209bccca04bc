// Residual connection fused with the LayerNorm that reads it (llm.c's fused residual): residual = a + b + b_bias
// (the stream plus a branch's projection and that projection's bias), then out = LayerNorm(residual) with the
// next LayerNorm's gain and bias, one warp per row. Its backward needs no kernel: the residual stream's gradient
// flows to both inputs, which the engine gets by accumulating into one buffer (see layernorm_backward).
template <typename Out>
__device__ __forceinline__ void residual_layernorm(float* residual, Out* out, float* mean, float* rstd,
                                                   const float* a, const float* b, const float* b_bias,
                                                   const float* gain, const float* bias, int N, int C) {
  int lane = threadIdx.x & 31;
  long long row = (blockIdx.x * (long long)blockDim.x + threadIdx.x) >> 5;
  if (row >= N) return;
  float* r = residual + row * C;
  for (int c = lane; c < C; c += 32) r[c] = a[row * C + c] + b[row * C + c] + b_bias[c];
  normalize_row(out + row * C, mean, rstd, r, gain, bias, row, C, lane);
}

extern "C" __global__ void residual_layernorm_forward(float* residual, float* out, float* mean, float* rstd,
                                                      const float* a, const float* b, const float* b_bias,
                                                      const float* gain, const float* bias, int N, int C) {
  residual_layernorm(residual, out, mean, rstd, a, b, b_bias, gain, bias, N, C);
}

extern "C" __global__ void residual_layernorm_forward_bf16(float* residual, unsigned short* out, float* mean,
                                                           float* rstd, const float* a, const float* b,
                                                           const float* b_bias, const float* gain,
                                                           const float* bias, int N, int C) {
  residual_layernorm(residual, out, mean, rstd, a, b, b_bias, gain, bias, N, C);
}

