// Optimizer updates on fp32 master weights, plus the squared L2 norm used for global gradient clipping.
// grad_scale folds clipping into the update so the gradients themselves stay untouched.

extern "C" __global__ void adamw_update(float* params, const float* grads, float* m, float* v, long long n,
                                        float learning_rate, float beta1, float beta2, float beta1_correction,
                                        float beta2_correction, float epsilon, float weight_decay,
                                        float grad_scale) {
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
    float g = grads[i] * grad_scale;
    float mi = beta1 * m[i] + (1.0f - beta1) * g;
    float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    float m_hat = mi / beta1_correction;
    float v_hat = vi / beta2_correction;
    float p = params[i];
    params[i] = p - learning_rate * (m_hat / (sqrtf(v_hat) + epsilon) + weight_decay * p);
  }
}

extern "C" __global__ void sgd_update(float* params, const float* grads, long long n, float learning_rate,
                                      float grad_scale) {
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
    params[i] -= learning_rate * grads[i] * grad_scale;
  }
}

// Squared L2 norm for clipping, deterministic: each block writes its sum to partials[block] (the grid is fixed by
// the launcher), then sum_partials adds them in a fixed order, in double so 124M squares keep the small ones.
extern "C" __global__ void sum_of_squares(const float* x, long long n, double* partials) {
  __shared__ float shared32[32];
  float local = 0.0f;
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
    local += x[i] * x[i];
  }
  float total = block_sum(local, shared32);
  if (threadIdx.x == 0) partials[blockIdx.x] = (double)total;
}

// result = the sum of count doubles, by one block of 256 threads: strided sums, then a fixed tree.
extern "C" __global__ void sum_partials(const double* partials, int count, double* result) {
  __shared__ double sums[256];
  double local = 0.0;
  for (int i = threadIdx.x; i < count; i += blockDim.x) local += partials[i];
  sums[threadIdx.x] = local;
  __syncthreads();
  for (int half = blockDim.x / 2; half > 0; half >>= 1) {
    if (threadIdx.x < half) sums[threadIdx.x] += sums[threadIdx.x + half];
    __syncthreads();
  }
  if (threadIdx.x == 0) *result = sums[0];
}
