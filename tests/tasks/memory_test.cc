// The memory task: the store/recall dataset's structure and randomness, the network's shapes,
// the loss against hand-worked values and finite differences, and a smoke run whose --resume
// reproduces an uninterrupted run exactly.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

#include "core/core.h"
#include "tasks/memory_data.h"
#include "tasks/memory_model.h"
#include "tasks/memory_train.h"

using namespace norse;
using namespace norse::memory;

namespace {
std::string tmp(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/" + name;
}

StoreRecallOptions small_data() {
  StoreRecallOptions o;
  o.seq_length = 10;
  o.seq_periods = 6;
  o.seq_repetitions = 2;
  o.population_size = 3;
  return o;
}

// Spikes of channel group g (0: bit 0, 1: bit 1, 2: store, 3: recall) of sample s in period q.
double group_count(const StoreRecallBatch& b, const StoreRecallOptions& o, int64_t s, int64_t q, int64_t g) {
  double n = 0.0;
  for (int64_t t = q * o.seq_length; t < (q + 1) * o.seq_length; ++t) {
    for (int64_t c = g * o.population_size; c < (g + 1) * o.population_size; ++c) n += b.input.at({t, s, c});
  }
  return n;
}
}  // namespace

TEST_CASE("store/recall dataset: commands, silent data at recall, labels = the stored bit", "[memory][data]") {
  StoreRecallOptions o = small_data();
  o.poisson_rate = 1000.0f;  // dt * rate = 1: an active data channel spikes at every step
  o.dt = 1e-3f;
  const StoreRecallDataset d(40, o, 7);
  const StoreRecallBatch b = d.batch(0, 40, 3);
  REQUIRE(b.input.shape() == Shape{o.time_steps(), 40, 12});
  REQUIRE(b.labels.shape() == Shape{12, 40, 2});
  REQUIRE(b.mask.shape() == Shape{12, 40});
  const double full = static_cast<double>(o.seq_length * o.population_size);
  for (int64_t s = 0; s < 40; ++s) {
    for (int64_t r = 0; r < o.seq_repetitions; ++r) {
      const int64_t store = d.store_period(s, r), recall = d.recall_period(s, r);
      REQUIRE(store >= 0);
      REQUIRE(store < o.seq_periods / 2);
      REQUIRE(recall >= o.seq_periods / 2);
      REQUIRE(recall < o.seq_periods);
      for (int64_t q = 0; q < o.seq_periods; ++q) {
        const int64_t period = r * o.seq_periods + q;
        const double bit0 = group_count(b, o, s, period, 0), bit1 = group_count(b, o, s, period, 1);
        if (q == recall) {
          REQUIRE(bit0 + bit1 == 0.0);  // no data at the recall period
          REQUIRE(b.mask.at({period, s}) == 1.0f);
          const int64_t stored_bit = group_count(b, o, s, r * o.seq_periods + store, 1) > 0 ? 1 : 0;
          REQUIRE(b.labels.at({period, s, stored_bit}) == 1.0f);
          REQUIRE(b.labels.at({period, s, 1 - stored_bit}) == 0.0f);
        } else {
          REQUIRE(bit0 + bit1 == full);  // exactly one bit's population, every step
          REQUIRE((bit0 == 0.0 || bit1 == 0.0));
          REQUIRE(b.mask.at({period, s}) == 0.0f);
          REQUIRE(b.labels.at({period, s, 0}) + b.labels.at({period, s, 1}) == 0.0f);
        }
        // Commands (500 Hz: p = 0.5) only in their period.
        if (q != store) REQUIRE(group_count(b, o, s, period, 2) == 0.0);
        if (q != recall) REQUIRE(group_count(b, o, s, period, 3) == 0.0);
      }
    }
  }
}

TEST_CASE("store/recall dataset: spike rates, both bits, determinism, fresh draws per epoch", "[memory][data]") {
  StoreRecallOptions o = small_data();
  o.seq_length = 200;
  o.poisson_rate = 100.0f;  // data p = 0.1 per step, commands 50 Hz: p = 0.05
  const StoreRecallDataset d(64, o, 11);
  const StoreRecallBatch b = d.batch(0, 64, 0);
  double data_spikes = 0.0, data_steps = 0.0, store_spikes = 0.0, store_steps = 0.0, ones = 0.0, labels = 0.0;
  for (int64_t s = 0; s < 64; ++s) {
    for (int64_t r = 0; r < o.seq_repetitions; ++r) {
      const int64_t store = r * o.seq_periods + d.store_period(s, r);
      store_spikes += group_count(b, o, s, store, 2);
      store_steps += static_cast<double>(o.seq_length * o.population_size);
      for (int64_t q = 0; q < o.seq_periods; ++q) {
        if (q == d.recall_period(s, r)) continue;
        const int64_t period = r * o.seq_periods + q;
        data_spikes += group_count(b, o, s, period, 0) + group_count(b, o, s, period, 1);
        data_steps += static_cast<double>(o.seq_length * o.population_size);
      }
      const int64_t recall = r * o.seq_periods + d.recall_period(s, r);
      ones += b.labels.at({recall, s, 1});
      labels += 1.0;
    }
  }
  CAPTURE(data_spikes / data_steps, store_spikes / store_steps, ones / labels);
  REQUIRE(data_spikes / data_steps == Approx(0.1).margin(0.005));
  REQUIRE(store_spikes / store_steps == Approx(0.05).margin(0.005));
  REQUIRE(ones / labels > 0.35);  // both bits are stored
  REQUIRE(ones / labels < 0.65);

  // A batch is a function of (seed, epoch, samples): the same call gives the same data, and a
  // sample's data does not depend on the batch it is drawn in.
  const StoreRecallBatch again = d.batch(0, 64, 0);
  REQUIRE(sum(abs(sub(again.input, b.input))).item() == 0.0f);
  const StoreRecallBatch part = d.batch(std::vector<int64_t>{5, 9}, 0, 2, 0);
  REQUIRE(sum(abs(sub(part.input.select(1, 1), b.input.select(1, 9)))).item() == 0.0f);
  // Another epoch draws other bits and spikes at the same store/recall positions.
  const StoreRecallBatch next = d.batch(0, 64, 1);
  REQUIRE(sum(abs(sub(next.input, b.input))).item() > 0.0f);
  REQUIRE(sum(abs(sub(next.mask, b.mask))).item() == 0.0f);
}

TEST_CASE("store/recall dataset: bad options are rejected with their name", "[memory][data][errors]") {
  StoreRecallOptions o = small_data();
  o.seq_periods = 5;
  REQUIRE_THROWS_WITH(StoreRecallDataset(4, o, 0), Catch::Contains("seq_periods") && Catch::Contains("5"));
  o = small_data();
  o.poisson_rate = 2000.0f;
  REQUIRE_THROWS_WITH(StoreRecallDataset(4, o, 0), Catch::Contains("poisson_rate"));
  o = small_data();
  REQUIRE_THROWS_WITH(StoreRecallDataset(0, o, 0), Catch::Contains("samples"));
  const StoreRecallDataset d(4, small_data(), 0);
  REQUIRE_THROWS_WITH(d.batch(2, 6, 0), Catch::Contains("[2, 6)"));
  REQUIRE_THROWS_WITH(d.batch(std::vector<int64_t>{0, 9}, 0, 2, 0), Catch::Contains("sample index 9"));
}

TEST_CASE("memory network: shapes and parameters of lsnn, lif and lsnnlif", "[memory][model]") {
  const StoreRecallOptions o = small_data();
  const StoreRecallDataset d(3, o, 1);
  const StoreRecallBatch b = d.batch(0, 3, 0);
  for (const std::string model : {"lsnn", "lif", "lsnnlif"}) {
    Generator init(5);
    NetworkOptions n;
    n.neuron_model = model;
    n.hidden = 0;  // the input width
    MemoryNetwork net(o.input_features(), n, init);
    REQUIRE(net.hidden() == 12);
    const NetworkOutput out = net.forward(b.input);
    REQUIRE(out.readout.shape() == Shape{o.time_steps(), 3, 2});
    REQUIRE(out.spikes.shape() == Shape{o.time_steps(), 3, 12});
    const auto params = net.named_parameters();  // the neuron parameters too; the weights train
    REQUIRE(std::count_if(params.begin(), params.end(), [](const nn::NamedParameter& p) {
              return p.second->requires_grad();
            }) == (model == "lsnnlif" ? 5 : 3));
  }
  Generator init(5);
  NetworkOptions odd;
  odd.neuron_model = "lsnnlif";
  odd.hidden = 7;
  REQUIRE_THROWS_WITH(MemoryNetwork(12, odd, init), Catch::Contains("hidden") && Catch::Contains("7"));
  odd.neuron_model = "gru";
  REQUIRE_THROWS_WITH(MemoryNetwork(12, odd, init), Catch::Contains("gru"));
  NetworkOptions n;
  n.hidden = 0;
  MemoryNetwork net(12, n, init);
  REQUIRE_THROWS_WITH(net.forward(zeros({5, 2, 11})), Catch::Contains("[T, B, 12]") && Catch::Contains("[5, 2, 11]"));
}

TEST_CASE("memory loss: Norse's formula on hand-worked values, accuracy, finite differences", "[memory][loss]") {
  // Two periods of two steps, one sample; the recall is period 1 and the stored bit is 1.
  StoreRecallOptions o;
  o.seq_length = 2;
  o.seq_periods = 2;
  o.seq_repetitions = 1;
  StoreRecallBatch b{zeros({4, 1, 4}), zeros({2, 1, 2}), zeros({2, 1})};
  b.labels.at({1, 0, 1}) = 1.0f;
  b.mask.at({1, 0}) = 1.0f;
  // Period 1's mean read-out: (0.2, 1.0) -> softmax (0.310025, 0.689975).
  const Tensor v = from_vector({5.0f, -5.0f, 9.0f, 9.0f, 0.0f, 0.5f, 0.4f, 1.5f}, {4, 1, 2});
  const Tensor z = from_vector({1, 0, 0, 0, 0, 0, 1, 1}, {4, 1, 2});  // spikes of 2 neurons: rates 0.5, 0.25
  LossOptions opt;
  opt.loss = "norse";
  opt.regularization_factor = 0.1f;
  opt.regularization_target = 1.0f;  // / (2 * 1) = 0.5 per step
  const LossResult r = memory_loss({Variable(v), Variable(z)}, b, o, opt);
  const double p0 = 0.310025, p1 = 0.689975;
  const double task = (std::log1p(std::exp(p0)) + std::log1p(std::exp(p1)) - p1) / 2.0;
  REQUIRE(r.task == Approx(task).epsilon(1e-5));
  REQUIRE(r.regularization == Approx(0.1 * (0.0 + 0.25 * 0.25)).epsilon(1e-5));
  REQUIRE(r.total.item() == Approx(task + 0.1 * 0.0625).epsilon(1e-5));
  REQUIRE(r.recalls == 1);
  REQUIRE(r.correct == 1);
  opt.loss = "ce";
  const LossResult ce = memory_loss({Variable(v), Variable(z)}, b, o, opt);
  REQUIRE(ce.task == Approx(-std::log(p1)).epsilon(1e-5));

  // The gradient of the loss with respect to the read-out, against central differences.
  for (const std::string kind : {"norse", "ce"}) {
    opt.loss = kind;
    Variable rv(v.clone(), true);
    memory_loss({rv, Variable(z)}, b, o, opt).total.backward();
    const Tensor g = rv.grad();
    for (int64_t j = 0; j < v.numel(); ++j) {
      Tensor plus = v.clone(), minus = v.clone();
      plus.data()[j] += 1e-2f;
      minus.data()[j] -= 1e-2f;
      const double numeric = (memory_loss({Variable(plus), Variable(z)}, b, o, opt).total.item() -
                              memory_loss({Variable(minus), Variable(z)}, b, o, opt).total.item()) /
                             2e-2;
      CAPTURE(kind, j);
      REQUIRE(g.data()[j] == Approx(numeric).margin(2e-4));
    }
  }
  // Bad shapes and names.
  REQUIRE_THROWS_WITH(memory_loss({Variable(zeros({3, 1, 2})), Variable(z)}, b, o, opt), Catch::Contains("[4, 1, 2]"));
  opt.loss = "mse";
  REQUIRE_THROWS_WITH(memory_loss({Variable(v), Variable(z)}, b, o, opt), Catch::Contains("mse"));
}

namespace {
TrainConfig smoke_config(const std::string& out) {
  TrainConfig c;
  c.data = small_data();
  c.network.hidden = 16;
  c.samples = 16;
  c.batch_size = 8;
  c.eval_every = 2;
  c.output_dir = out;
  return c;
}
}  // namespace

TEST_CASE("memory smoke run, checkpoints, and --resume equal to an uninterrupted run", "[memory][checkpoint]") {
  TrainConfig whole = smoke_config(tmp("memory_whole"));
  whole.epochs = 4;
  const TrainResult w = train(whole);
  REQUIRE(w.epochs.size() == 4);
  REQUIRE(w.epochs[1].val_accuracy >= 0.0);
  REQUIRE(w.epochs[0].val_accuracy < 0.0);    // not evaluated in epoch 1
  REQUIRE(w.test_recalls == 8 * 2);           // samples / 2 sequences of 2 repetitions
  REQUIRE(w.test_long_recalls == 8 * 2 * 2);  // Norse's test: twice the repetitions
  REQUIRE(std::isfinite(w.epochs[3].train_loss));
  const SafetensorsFile f = load_safetensors(whole.output_dir + "/checkpoint.safetensors");
  REQUIRE(f.metadata.at("completed") == "4");
  REQUIRE(f.contains("model.lsnn.recurrent_weights"));
  REQUIRE(f.contains("optim.readout.weight.exp_avg"));

  TrainConfig part = smoke_config(tmp("memory_part"));
  part.epochs = 2;
  train(part);
  part.epochs = 4;
  part.resume = true;
  const TrainResult resumed = train(part);
  REQUIRE(resumed.resumed_from_epoch == 2);
  REQUIRE(resumed.epochs.size() == 4);
  for (size_t e = 0; e < 4; ++e) {
    CAPTURE(e);
    REQUIRE(resumed.epochs[e].train_loss == w.epochs[e].train_loss);
    REQUIRE(resumed.epochs[e].train_accuracy == w.epochs[e].train_accuracy);
  }
  REQUIRE(resumed.recall_accuracy == w.recall_accuracy);

  // Resuming with other settings is refused, naming the setting.
  part.network.neuron_model = "lif";
  REQUIRE_THROWS_WITH(train(part),
                      Catch::Contains("neuron_model") && Catch::Contains("lsnn") && Catch::Contains("lif"));
}

TEST_CASE("memory --export_nir: iaf_box is written as NIR and reproduces itself; others are refused", "[memory][nir]") {
  TrainConfig c = smoke_config(tmp("memory_export"));
  c.network.neuron_model = "iaf_box";
  c.epochs = 2;
  c.plots = false;
  c.export_nir = tmp("memory_iaf_box.nir");
  const TrainResult r = train(c);
  CAPTURE(r.nir_export);
  REQUIRE_THAT(r.nir_export, Catch::Contains("(7 nodes)") && Catch::Contains("equals the network's bit for bit"));
  c.network.neuron_model = "lsnn";
  c.output_dir = tmp("memory_export_lsnn");
  REQUIRE_THROWS_WITH(train(c), Catch::Contains("--export_nir needs --model=iaf_box"));
}
