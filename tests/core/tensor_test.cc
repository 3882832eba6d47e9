// Tensor: creation, element access, views sharing storage, copies, printing, errors.
#include <catch2/catch.hpp>

#include "core/core.h"
#include "tests/testing/gradcheck.h"

using namespace norse;

TEST_CASE("creation functions fill the requested values", "[tensor]") {
  const Tensor z = zeros({2, 3});
  REQUIRE(z.shape() == Shape{2, 3});
  REQUIRE(z.numel() == 6);
  REQUIRE(z.dim() == 2);
  REQUIRE(z.is_contiguous());
  REQUIRE(z.device() == Device::kCPU);
  for (float v : z.to_vector()) REQUIRE(v == 0.0f);
  for (float v : ones({4}).to_vector()) REQUIRE(v == 1.0f);
  for (float v : full({2, 2}, -2.5f).to_vector()) REQUIRE(v == -2.5f);
  REQUIRE(arange(0, 5).to_vector() == std::vector<float>{0, 1, 2, 3, 4});
  REQUIRE(arange(1, 2, 0.25f).to_vector() == std::vector<float>{1, 1.25f, 1.5f, 1.75f});
  REQUIRE(arange(3, 0, -1).to_vector() == std::vector<float>{3, 2, 1});
  REQUIRE(arange(0, 0).numel() == 0);
  const Tensor v = from_vector({1, 2, 3, 4, 5, 6}, {2, 3});
  REQUIRE(v.at({1, 0}) == 4.0f);
  REQUIRE(v.at({0, 2}) == 3.0f);
  REQUIRE(scalar_tensor(7.0f).item() == 7.0f);
  REQUIRE(scalar_tensor(7.0f).dim() == 0);
}

TEST_CASE("five-dimensional tensors index row-major", "[tensor]") {
  Tensor t = arange(0, 2 * 3 * 4 * 5 * 6).view({2, 3, 4, 5, 6});
  REQUIRE(t.dim() == 5);
  REQUIRE(t.strides() == std::vector<int64_t>{360, 120, 30, 6, 1});
  REQUIRE(t.at({1, 2, 3, 4, 5}) == 719.0f);
  REQUIRE(t.at({1, 0, 2, 1, 3}) == 360 + 60 + 6 + 3);
  REQUIRE(t.size(-1) == 6);
  REQUIRE(t.size(0) == 2);
}

TEST_CASE("views share storage; clone does not", "[tensor]") {
  Tensor base = arange(0, 12).view({3, 4});
  Tensor row = base.select(0, 1);
  REQUIRE(row.shape() == Shape{4});
  REQUIRE(row.to_vector() == std::vector<float>{4, 5, 6, 7});
  row.at({2}) = 100.0f;
  REQUIRE(base.at({1, 2}) == 100.0f);
  Tensor copy = base.clone();
  copy.at({0, 0}) = -1.0f;
  REQUIRE(base.at({0, 0}) == 0.0f);
  REQUIRE(base.shares_storage_with(row));
  REQUIRE_FALSE(base.shares_storage_with(copy));
  Tensor alias = base;  // copying a Tensor is a view too
  alias.at({2, 3}) = 42.0f;
  REQUIRE(base.at({2, 3}) == 42.0f);
}

TEST_CASE("slice, select, permute, transpose, expand produce the right elements", "[tensor]") {
  const Tensor t = arange(0, 24).view({2, 3, 4});
  SECTION("slice with step and negative bounds") {
    const Tensor s = t.slice(2, 1, -1);
    REQUIRE(s.shape() == Shape{2, 3, 2});
    REQUIRE(s.contiguous().to_vector() == std::vector<float>{1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22});
    const Tensor stepped = t.slice(2, 0, 4, 3);
    REQUIRE(stepped.shape() == Shape{2, 3, 2});
    REQUIRE(stepped.at({1, 2, 1}) == 23.0f);
    REQUIRE(t.slice(1, 5, 10).shape() == Shape{2, 0, 4});  // clamped, empty
  }
  SECTION("select removes the dimension") {
    const Tensor s = t.select(1, -1);
    REQUIRE(s.shape() == Shape{2, 4});
    REQUIRE(s.to_vector() == std::vector<float>{8, 9, 10, 11, 20, 21, 22, 23});
  }
  SECTION("permute and transpose") {
    const Tensor p = t.permute({2, 0, 1});
    REQUIRE(p.shape() == Shape{4, 2, 3});
    REQUIRE_FALSE(p.is_contiguous());
    REQUIRE(p.at({3, 1, 2}) == t.at({1, 2, 3}));
    const Tensor tr = t.transpose(0, 2);
    REQUIRE(tr.shape() == Shape{4, 3, 2});
    REQUIRE(tr.at({1, 2, 0}) == t.at({0, 2, 1}));
    const Tensor c = tr.contiguous();
    REQUIRE(c.is_contiguous());
    REQUIRE(c.at({1, 2, 0}) == 9.0f);
  }
  SECTION("expand broadcasts with stride 0") {
    const Tensor row = from_vector({1, 2, 3}, {1, 3});
    const Tensor e = row.expand({2, 2, 3});
    REQUIRE(e.shape() == Shape{2, 2, 3});
    REQUIRE(e.to_vector() == std::vector<float>{1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3});
  }
  SECTION("unsqueeze and squeeze") {
    REQUIRE(t.unsqueeze(0).shape() == Shape{1, 2, 3, 4});
    REQUIRE(t.unsqueeze(-1).shape() == Shape{2, 3, 4, 1});
    REQUIRE(t.unsqueeze(1).squeeze(1).shape() == t.shape());
  }
}

TEST_CASE("view and reshape", "[tensor]") {
  const Tensor t = arange(0, 12);
  REQUIRE(t.view({3, -1}).shape() == Shape{3, 4});
  REQUIRE(t.view({3, 4}).shares_storage_with(t));
  const Tensor tr = t.view({3, 4}).transpose(0, 1);
  REQUIRE_THROWS_AS(tr.view({12}), ShapeError);  // not contiguous
  const Tensor r = tr.reshape({12});             // copies
  REQUIRE(r.to_vector() == std::vector<float>{0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11});
  REQUIRE_THROWS_AS(t.view({5, -1}), ShapeError);
  REQUIRE_THROWS_AS(t.view({-1, -1}), ShapeError);
  REQUIRE_THROWS_AS(t.view({5}), ShapeError);
}

TEST_CASE("copy_ and fill_ write through views", "[tensor]") {
  Tensor t = zeros({3, 3});
  t.select(1, 1).fill_(5.0f);
  REQUIRE(t.to_vector() == std::vector<float>{0, 5, 0, 0, 5, 0, 0, 5, 0});
  t.transpose(0, 1).select(0, 0).copy_(from_vector({1, 2, 3}, {3}));  // column 0
  REQUIRE(t.to_vector() == std::vector<float>{1, 5, 0, 2, 5, 0, 3, 5, 0});
  REQUIRE_THROWS_AS(t.copy_(zeros({2, 2})), ShapeError);
}

TEST_CASE("bad indices and undefined tensors throw norse errors with the details", "[tensor][errors]") {
  Tensor t = zeros({2, 3});
  REQUIRE_THROWS_AS(t.at({2, 0}), ShapeError);
  REQUIRE_THROWS_WITH(t.at({0, 3}), Catch::Contains("index 3 out of range for dimension 1 of size 3"));
  REQUIRE_THROWS_AS(t.at({0}), ShapeError);
  REQUIRE_THROWS_AS(t.select(2, 0), ShapeError);
  REQUIRE_THROWS_WITH(t.select(2, 0), Catch::Contains("dimension 2 out of range"));
  REQUIRE_THROWS_AS(t.permute({0, 0}), ShapeError);
  REQUIRE_THROWS_AS(t.expand({3, 3}), ShapeError);
  REQUIRE_THROWS_AS(t.item(), ShapeError);
  REQUIRE_THROWS_AS(t.slice(0, 0, 1, 0), InvalidArgument);
  Tensor undefined;
  REQUIRE_FALSE(undefined.defined());
  REQUIRE_THROWS_AS(undefined.clone(), InvalidArgument);
  REQUIRE_THROWS_AS(from_vector({1, 2, 3}, {2, 2}), ShapeError);
  REQUIRE_THROWS_WITH(from_vector({1, 2, 3}, {2, 2}), Catch::Contains("needs 4"));
  REQUIRE_THROWS_AS(zeros({-1, 2}), InvalidArgument);
  REQUIRE_THROWS_AS(arange(0, 1, 0), InvalidArgument);
  // This test binary does not link the CUDA backend: cuda tensors are refused with how to get them.
  REQUIRE_THROWS_AS(Tensor::empty({2}, Device::kCUDA), DeviceError);
  REQUIRE_THROWS_WITH(Tensor::empty({2}, Device::kCUDA), Catch::Contains("--config=cuda"));
  REQUIRE_THROWS_WITH(t.to(Device::kCUDA), Catch::Contains("--config=cuda"));
  REQUIRE(t.to(Device::kCPU).shares_storage_with(t));  // already there: no copy
  // Every error is a norse::Error.
  REQUIRE_THROWS_AS(t.at({9, 9}), Error);
}

TEST_CASE("printing is readable and summarises large tensors", "[tensor]") {
  const std::string small = from_vector({1, 2.5f, -3, 0.125f}, {2, 2}).to_string();
  CAPTURE(small);
  REQUIRE(small.find("shape=[2, 2]") != std::string::npos);
  REQUIRE(small.find("device=cpu") != std::string::npos);
  REQUIRE(small.find("[[1., 2.5000],\n [-3., 0.1250]]") != std::string::npos);
  const std::string big = arange(0, 5000).to_string();
  CAPTURE(big.substr(0, 200));
  REQUIRE(big.find("...") != std::string::npos);
  REQUIRE(big.size() < 200);
  REQUIRE(big.find("4999.") != std::string::npos);
  REQUIRE(scalar_tensor(3.0f).to_string().find("3.") != std::string::npos);
  REQUIRE(Tensor().to_string() == "Tensor(undefined)");
}

TEST_CASE("random tensors come from the explicit generator, reproducibly", "[tensor][random]") {
  Generator a(1234), b(1234), c(99);
  const Tensor x = randn({1000}, a);
  const Tensor y = randn({1000}, b);
  const Tensor z = randn({1000}, c);
  REQUIRE(x.to_vector() == y.to_vector());
  REQUIRE(x.to_vector() != z.to_vector());
  // A second draw continues the stream instead of repeating it.
  REQUIRE(randn({1000}, a).to_vector() != x.to_vector());

  SECTION("normal statistics") {
    Generator g(5);
    const Tensor n = randn({200000}, g, 2.0f, 3.0f);
    const double m = mean(n).item();
    const double var = mean(pow(add(n, -2.0f), 2.0f)).item();
    // Standard errors: 3/sqrt(2e5) = 0.0067 for the mean, ~0.03 for the variance 9.
    REQUIRE(m == Approx(2.0).margin(0.03));
    REQUIRE(var == Approx(9.0).margin(0.15));
  }
  SECTION("uniform range and mean") {
    Generator g(6);
    const Tensor u = rand({100000}, g, -1.0f, 3.0f);
    for (float v : u.to_vector()) REQUIRE((v >= -1.0f && v < 3.0f));
    REQUIRE(mean(u).item() == Approx(1.0).margin(0.02));
  }
  SECTION("bernoulli rate") {
    Generator g(7);
    const Tensor bits = bernoulli({100000}, 0.3f, g);
    for (float v : bits.to_vector()) REQUIRE((v == 0.0f || v == 1.0f));
    REQUIRE(mean(bits).item() == Approx(0.3).margin(0.01));
    REQUIRE_THROWS_AS(bernoulli({3}, 1.5f, g), InvalidArgument);
  }
}

TEST_CASE("large freed buffers are cached for reuse, and the cache can be emptied", "[tensor][memory]") {
  empty_cpu_cache();
  REQUIRE(cpu_cache_bytes() == 0);
  const float* first = nullptr;
  {
    Tensor big = zeros({1 << 20});  // 4 MiB
    first = big.data();
  }
  REQUIRE(cpu_cache_bytes() >= (4 << 20));
  Tensor again = Tensor::empty({1 << 20});
  REQUIRE(again.data() == first);  // the same block, reused
  REQUIRE(cpu_cache_bytes() == 0);
  { Tensor small = zeros({16}); }
  REQUIRE(cpu_cache_bytes() == 0);  // small blocks go back to malloc
  again = Tensor();
  empty_cpu_cache();
  REQUIRE(cpu_cache_bytes() == 0);
}
