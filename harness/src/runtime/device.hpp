// Where a run's tensors live: runtime.device, resolved against this build of
// LibTorch and the GPUs this process can see.
#pragma once

#include <c10/core/Device.h>

#include <string>

#include "gcbench/sdk/architecture.hpp"

namespace gcbench {

// Why `requested` ("auto", "cpu", "cuda" or "cuda:N") cannot be used here, as a
// sentence that says what to do; empty when it can.
std::string device_problem(const std::string& requested);

// "auto" is CUDA when this LibTorch has it and a GPU is visible, else the CPU;
// "cuda" is GPU 0. Throws std::invalid_argument with device_problem's message.
c10::Device resolve_device(const std::string& requested);

// "cpu", "cuda:0": how records name a device.
std::string device_name(const c10::Device& device);

// The GPU's product name, or the CPU model for the CPU.
std::string device_model(const c10::Device& device);

// Where f's parameters are (the CPU for a network without any).
c10::Device device_of(Network& network);

// Moves f and g, parameters and buffers, to `device`.
void move_network(Network& network, const c10::Device& device);

}  // namespace gcbench
