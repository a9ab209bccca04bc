// GELU, tanh approximation (GPT-2's): 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
#define GELU_SCALE 0.7978845608028654f

// fc (N, OC) += bias, then out = GELU(fc): the MLP's first bias and activation in one pass. fc keeps the
// pre-activation (with bias) for the backward. Both are fp32 in FP32 mode and bf16 in BF16 mode.
template <typename T>
__device__ __forceinline__ void bias_gelu(T* out, T* fc, const float* bias, long long N, int OC) {
  long long total = N * OC;
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x) {
    float x = load_value(fc, i) + bias[i % OC];
    store_output(fc, i, x);
    store_output(out, i, 0.5f * x * (1.0f + tanhf(GELU_SCALE * (x + 0.044715f * x * x * x))));
  }
}

extern "C" __global__ void bias_gelu_forward(float* out, float* fc, const float* bias, long long N, int OC) {
  bias_gelu(out, fc, bias, N, OC);
}

extern "C" __global__ void bias_gelu_forward_bf16(unsigned short* out, unsigned short* fc, const float* bias,
                                                  long long N, int OC) {
  bias_gelu(out, fc, bias, N, OC);
}

__device__ __forceinline__ float gelu_derivative(float x) {
  float cube = 0.044715f * x * x * x;
  float t = tanhf(GELU_SCALE * (x + cube));
  float sech2 = 1.0f - t * t;
  return 0.5f * (1.0f + t) + 0.5f * x * sech2 * GELU_SCALE * (1.0f + 3.0f * 0.044715f * x * x);
}

// dinout holds dL/d(out) on entry and dL/d(inp) on return.
extern "C" __global__ void gelu_backward(float* dinout, const float* inp, long long n) {
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
    dinout[i] *= gelu_derivative(inp[i]);
  }
}

// BF16 mode: the same on bf16 gradient and pre-activation (the fc layer's backward products read dinout).
extern "C" __global__ void gelu_backward_bf16(unsigned short* dinout, const unsigned short* inp, long long n) {
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
    store_output(dinout, i, load_value(dinout, i) * gelu_derivative(load_value(inp, i)));
  }
}
