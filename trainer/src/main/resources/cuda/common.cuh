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
