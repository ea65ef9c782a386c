// Where a run's tensors live: runtime.device, checked in two steps. What the
// suite says is checked wherever the suite is validated, planned or emitted (a
// login node without GPUs included); whether this machine has that device is
// checked when a run starts, on the machine that runs it.
#pragma once

#include <c10/core/Device.h>

#include <string>

#include "runtime/cuda_build.hpp"

namespace gcbench {

// gcbench/sdk/architecture.hpp; declared here so that checking a device name
// does not compile LibTorch's module headers.
struct Network;

// Why `requested` is not a device name gcbench takes ("auto", "cpu", "cuda" or
// "cuda:N"), as a sentence that says what to do; empty when it is one. Depends
// on nothing but the text.
std::string device_form_problem(const std::string& requested);

// Why this process cannot run on `requested`: its form, a LibTorch without CUDA,
// no CUDA device visible (naming CUDA_VISIBLE_DEVICES), a GPU index past the last
// one. Empty when it can.
std::string device_problem(const std::string& requested);

// The device a run uses and, for "auto", why it is not a GPU.
struct DeviceChoice {
  c10::Device device = c10::Device(c10::kCPU);
  std::string requested;  // runtime.device as the suite gave it
  std::string fallback;   // "" or, for "auto" on the CPU, why no GPU was taken
};

// "auto" is GPU 0 when this LibTorch has CUDA and a GPU is visible, else the CPU
// (with the reason in `fallback`); "cuda" is GPU 0. Throws std::invalid_argument
// with device_problem's message.
DeviceChoice choose_device(const std::string& requested);
c10::Device resolve_device(const std::string& requested);  // choose_device(requested).device

// "cpu", "cuda:0": how records name a device.
std::string device_name(const c10::Device& device);

// The GPU's product name, or the CPU model for the CPU.
std::string device_model(const c10::Device& device);

// Where f's parameters are (the CPU for a network without any).
c10::Device device_of(Network& network);

// Moves f and g, parameters and buffers, to `device`.
void move_network(Network& network, const c10::Device& device);

}  // namespace gcbench
