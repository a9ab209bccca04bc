// fp32 -> bf16 (round to nearest even), for the operands of bf16 matrix products: weights once per update,
// activations just before the product that reads them. Stored as raw 16-bit patterns (no cuda_bf16.h needed).
extern "C" __global__ void to_bf16(unsigned short* out, const float* in, long long n) {
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
    unsigned int bits = __float_as_uint(in[i]);
    unsigned int rounding = 0x7fffu + ((bits >> 16) & 1u);
    out[i] = (unsigned short)((bits + rounding) >> 16);
  }
}
