// Shared helpers, prepended to every kernel source before NVRTC compiles it (NVRTC has no include path here).
// Shorthand used by all kernels: B batch, T sequence length, C width, V vocabulary, H heads, HS head size,
// N = B * T rows. Every kernel uses grid-stride loops or guards, so launchers may round grids up.
#define NEG_INF __int_as_float(0xff800000)

__device__ __forceinline__ float warp_sum(float value) {
  for (int offset = 16; offset > 0; offset >>= 1) value += __shfl_xor_sync(0xffffffffu, value, offset);
  return value;
}

__device__ __forceinline__ float warp_max(float value) {
  for (int offset = 16; offset > 0; offset >>= 1) value = fmaxf(value, __shfl_xor_sync(0xffffffffu, value, offset));
  return value;
}

// Block-wide sum; every thread gets the result. blockDim.x must be a multiple of 32, at most 1024.
__device__ float block_sum(float value, float* shared32) {
  int lane = threadIdx.x & 31;
  int warp = threadIdx.x >> 5;
  value = warp_sum(value);
  __syncthreads();
  if (lane == 0) shared32[warp] = value;
  __syncthreads();
  int warps = blockDim.x >> 5;
  float total = lane < warps ? shared32[lane] : 0.0f;
  return warp_sum(total);
}

__device__ float block_max(float value, float* shared32) {
  int lane = threadIdx.x & 31;
  int warp = threadIdx.x >> 5;
  value = warp_max(value);
  __syncthreads();
  if (lane == 0) shared32[warp] = value;
  __syncthreads();
  int warps = blockDim.x >> 5;
  float total = lane < warps ? shared32[lane] : NEG_INF;
  return warp_max(total);
}

// Activations stored as fp32 (FP32 mode) or bf16 (BF16 mode, round to nearest even), read and written as float.
__device__ __forceinline__ float load_value(const float* x, long long i) { return x[i]; }
__device__ __forceinline__ float load_value(const unsigned short* x, long long i) {
  return __uint_as_float(((unsigned)x[i]) << 16);
}
__device__ __forceinline__ void store_output(float* y, long long i, float value) { y[i] = value; }
__device__ __forceinline__ void store_output(unsigned short* y, long long i, float value) {
  unsigned bits = __float_as_uint(value);
  y[i] = (unsigned short)((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
}

// LayerNorm of one row by one warp (layernorm.cu, residual.cu): y = (x - mean) / std * gain + bias, eps 1e-5.
// The lanes re-read x (their own elements, still in cache).
template <typename Out>
__device__ __forceinline__ void normalize_row(Out* y, float* mean, float* rstd, const float* x, const float* gain,
                                              const float* bias, long long row, int C, int lane) {
  float sum = 0.0f;
  for (int c = lane; c < C; c += 32) sum += x[c];
  float m = warp_sum(sum) / C;
  float squares = 0.0f;
  for (int c = lane; c < C; c += 32) {
    float d = x[c] - m;
    squares += d * d;
  }
  float s = rsqrtf(warp_sum(squares) / C + 1e-5f);
  for (int c = lane; c < C; c += 32) store_output(y, c, (x[c] - m) * s * gain[c] + bias[c]);
  if (lane == 0) {
    mean[row] = m;
    rstd[row] = s;
  }
}
