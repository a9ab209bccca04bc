// Bias of a linear layer, forward: out (N, OC) += bias (OC). The matrix product itself is cuBLAS; the bias
// gradient is a cuBLAS product with a ones vector (a column sum), so only the forward needs a kernel.
extern "C" __global__ void bias_forward(float* out, const float* bias, long long N, int OC) {
  long long total = N * OC;
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x) {
    out[i] += bias[i % OC];
  }
}

// The same on a bf16 output (BF16 mode's QKV projection, which attention reads as bf16): out (N, OC) bf16.
extern "C" __global__ void bias_forward_bf16(unsigned short* out, const float* bias, long long N, int OC) {
  long long total = N * OC;
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x) {
    store_output(out, i, load_value(out, i) + bias[i % OC]);
  }
}

extern "C" __global__ void fill(float* out, float value, long long n) {
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
    out[i] = value;
  }
}
