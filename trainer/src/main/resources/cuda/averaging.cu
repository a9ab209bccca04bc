// Parameter averaging for trainers that share one GPU (NCCL refuses two ranks on one device): buffers is a
// device array of count pointers to equally long float vectors; every vector is replaced by the element-wise
// mean of all of them.
extern "C" __global__ void average_buffers(float* const* buffers, int count, long long n) {
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
    float sum = 0.0f;
    for (int k = 0; k < count; k++) sum += buffers[k][i];
    float mean = sum / count;
    for (int k = 0; k < count; k++) buffers[k][i] = mean;
  }
}
