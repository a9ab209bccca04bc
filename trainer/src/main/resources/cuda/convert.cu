// fp32 -> bf16 (round to nearest even), for the operands of bf16 matrix products: weights once per update,
// activations that are still fp32 just before the product that reads them. Stored as raw 16-bit patterns
// (store_output in common.cuh; no cuda_bf16.h needed).
extern "C" __global__ void to_bf16(unsigned short* out, const float* in, long long n) {
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
    store_output(out, i, in[i]);
  }
}
