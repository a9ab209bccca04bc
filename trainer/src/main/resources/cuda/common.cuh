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
__device__ __forceinline__ unsigned short bf16_bits(float value) {
  unsigned bits = __float_as_uint(value);
  return (unsigned short)((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
}
__device__ __forceinline__ void store_output(float* y, long long i, float value) { y[i] = value; }
__device__ __forceinline__ void store_output(unsigned short* y, long long i, float value) { y[i] = bf16_bits(value); }

// Elements i and i + 1 in one 64-bit (fp32) or 32-bit (bf16) access: i must be even and the array's start
// aligned, as every device allocation is (the row kernels use them only when the row width is even).
__device__ __forceinline__ float2 load_pair(const float* x, long long i) { return *(const float2*)(x + i); }
__device__ __forceinline__ float2 load_pair(const unsigned short* x, long long i) {
  unsigned bits = *(const unsigned*)(x + i);
  return make_float2(__uint_as_float(bits << 16), __uint_as_float(bits & 0xffff0000u));
}
__device__ __forceinline__ void store_pair(float* y, long long i, float2 value) { *(float2*)(y + i) = value; }
__device__ __forceinline__ void store_pair(unsigned short* y, long long i, float2 value) {
  *(unsigned*)(y + i) = (unsigned)bf16_bits(value.x) | ((unsigned)bf16_bits(value.y) << 16);
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

// The same for a row already in registers, read four columns per access (C a multiple of 128: lane owns columns
// 4 lane + 128 j + k, k < 4, j < VECTORS = C / 128), so a warp has its whole row in flight at once.
template <int VECTORS, typename Out>
__device__ __forceinline__ void normalize_registers(Out* y, float* mean, float* rstd, const float4* x4,
                                                    const float* gain, const float* bias, long long row, int C,
                                                    int lane) {
  float sum = 0.0f;
#pragma unroll
  for (int j = 0; j < VECTORS; j++) sum += (x4[j].x + x4[j].y) + (x4[j].z + x4[j].w);
  float m = warp_sum(sum) / C;
  float squares = 0.0f;
#pragma unroll
  for (int j = 0; j < VECTORS; j++) {
    float4 d = make_float4(x4[j].x - m, x4[j].y - m, x4[j].z - m, x4[j].w - m);
    squares += (d.x * d.x + d.y * d.y) + (d.z * d.z + d.w * d.w);
  }
  float s = rsqrtf(warp_sum(squares) / C + 1e-5f);
#pragma unroll
  for (int j = 0; j < VECTORS; j++) {
    int c = 4 * lane + 128 * j;
    float4 g = *(const float4*)(gain + c);
    float4 b = *(const float4*)(bias + c);
    store_pair(y, c, make_float2((x4[j].x - m) * s * g.x + b.x, (x4[j].y - m) * s * g.y + b.y));
    store_pair(y, c + 2, make_float2((x4[j].z - m) * s * g.z + b.z, (x4[j].w - m) * s * g.w + b.w));
  }
  if (lane == 0) {
    mean[row] = m;
    rstd[row] = s;
  }
}
