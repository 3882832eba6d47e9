// A kernel model's parameters and state fields, declared once by name. A model writes
//
//   #define NORSE_LIF_BOX_PARAMS(X) X(tau_mem_inv) X(v_leak) X(v_th) X(v_reset)
//   #define NORSE_LIF_BOX_STATES(X) X(v, Param::v_leak)
//   struct LIFBoxModel {
//     NORSE_MODEL_LAYOUT(NORSE_LIF_BOX_PARAMS, NORSE_LIF_BOX_STATES)
//     ... step() reads p[Param::v_th], s[State::v] ...
//   };
//
// and gets Param::<name> and State::<name> (the index of each in the step's p[] and s[]),
// kParams, kStates, kParamNames, kStateNames and kStateStart: where each state field starts when
// none is given (a parameter's index: that parameter broadcast; kStartZero; kStartGiven: the
// caller must give it). The same lists bind Norse's named Params and State structs to p[] and
// s[] (models/neuron_spec.h), so the order is written once and a misspelt name does not compile.
#ifndef NORSE_KERNELS_MODEL_LAYOUT_H_
#define NORSE_KERNELS_MODEL_LAYOUT_H_

namespace norse {
namespace kernels {

constexpr int kStartZero = -1;   // the state field starts at 0
constexpr int kStartGiven = -2;  // no default: the caller gives it (Izhikevich: from its behaviour)

}  // namespace kernels
}  // namespace norse

#define NORSE_LAYOUT_PARAM_ENUM(name) name,
#define NORSE_LAYOUT_PARAM_COUNT(name) +1
#define NORSE_LAYOUT_PARAM_NAME(name) #name,
#define NORSE_LAYOUT_STATE_ENUM(name, start) name,
#define NORSE_LAYOUT_STATE_COUNT(name, start) +1
#define NORSE_LAYOUT_STATE_NAME(name, start) #name,
#define NORSE_LAYOUT_STATE_START(name, start) start,

#define NORSE_MODEL_LAYOUT(PARAMS, STATES)                                               \
  struct Param {                                                                         \
    enum : int { PARAMS(NORSE_LAYOUT_PARAM_ENUM) };                                      \
  };                                                                                     \
  struct State {                                                                         \
    enum : int { STATES(NORSE_LAYOUT_STATE_ENUM) };                                      \
  };                                                                                     \
  static constexpr int kParams = 0 PARAMS(NORSE_LAYOUT_PARAM_COUNT);                     \
  static constexpr int kStates = 0 STATES(NORSE_LAYOUT_STATE_COUNT);                     \
  static constexpr const char* kParamNames[kParams] = {PARAMS(NORSE_LAYOUT_PARAM_NAME)}; \
  static constexpr const char* kStateNames[kStates] = {STATES(NORSE_LAYOUT_STATE_NAME)}; \
  static constexpr int kStateStart[kStates] = {STATES(NORSE_LAYOUT_STATE_START)};

#endif  // NORSE_KERNELS_MODEL_LAYOUT_H_
