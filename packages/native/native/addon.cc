// N-API addon of @mixtape/native: XGBoost's C API (train, evaluate, predict, save, dump) and
// LAPACK's Cholesky inverse (OpenBLAS). Handles are napi externals freed by finalizers (or
// explicitly through free*); every failure becomes a JS Error carrying the library's message.
#include <node_api.h>
#include <xgboost/c_api.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

extern "C" {
void dpotrf_(const char* uplo, const int* n, double* a, const int* lda, int* info);
void dpotri_(const char* uplo, const int* n, double* a, const int* lda, int* info);
void spotrf_(const char* uplo, const int* n, float* a, const int* lda, int* info);
void spotri_(const char* uplo, const int* n, float* a, const int* lda, int* info);
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
}

namespace {

struct Failure {
  std::string message;
};

void check(napi_env env, napi_status status, const char* what) {
  if (status != napi_ok) throw Failure{std::string("N-API call failed: ") + what};
}

void xgb(int code, const char* what) {
  if (code != 0) throw Failure{std::string(what) + ": " + XGBGetLastError()};
}

// ---- argument helpers ----------------------------------------------------------------------

std::vector<napi_value> args(napi_env env, napi_callback_info info, size_t expected) {
  size_t count = expected;
  std::vector<napi_value> values(expected);
  check(env, napi_get_cb_info(env, info, &count, values.data(), nullptr, nullptr), "get_cb_info");
  if (count < expected) throw Failure{"expected " + std::to_string(expected) + " arguments, got " + std::to_string(count)};
  return values;
}

double number(napi_env env, napi_value value, const char* name) {
  double out;
  if (napi_get_value_double(env, value, &out) != napi_ok) throw Failure{std::string(name) + " must be a number"};
  return out;
}

int integer(napi_env env, napi_value value, const char* name) { return static_cast<int>(number(env, value, name)); }

bool boolean(napi_env env, napi_value value, const char* name) {
  bool out;
  if (napi_get_value_bool(env, value, &out) != napi_ok) throw Failure{std::string(name) + " must be a boolean"};
  return out;
}

std::string text(napi_env env, napi_value value, const char* name) {
  size_t length;
  if (napi_get_value_string_utf8(env, value, nullptr, 0, &length) != napi_ok) throw Failure{std::string(name) + " must be a string"};
  std::string out(length, '\0');
  check(env, napi_get_value_string_utf8(env, value, out.data(), length + 1, &length), "get_value_string_utf8");
  return out;
}

struct TypedView {
  napi_typedarray_type type;
  void* data;
  size_t length;
};

TypedView typed(napi_env env, napi_value value, const char* name) {
  bool is;
  check(env, napi_is_typedarray(env, value, &is), "is_typedarray");
  if (!is) throw Failure{std::string(name) + " must be a typed array"};
  TypedView view;
  napi_value buffer;
  size_t offset;
  check(env, napi_get_typedarray_info(env, value, &view.type, &view.length, &view.data, &buffer, &offset), "get_typedarray_info");
  return view;
}

TypedView typedOf(napi_env env, napi_value value, napi_typedarray_type type, const char* name, const char* typeName) {
  TypedView view = typed(env, value, name);
  if (view.type != type) throw Failure{std::string(name) + " must be a " + typeName};
  return view;
}

// ---- handles -------------------------------------------------------------------------------

enum class Kind { DMatrix, Booster };
struct Handle {
  Kind kind;
  void* pointer;
};

void finalize(napi_env, void* data, void*) {
  auto* handle = static_cast<Handle*>(data);
  if (handle->pointer) {
    if (handle->kind == Kind::DMatrix) XGDMatrixFree(handle->pointer);
    else XGBoosterFree(handle->pointer);
  }
  delete handle;
}

napi_value wrap(napi_env env, Kind kind, void* pointer) {
  napi_value out;
  auto* handle = new Handle{kind, pointer};
  check(env, napi_create_external(env, handle, finalize, nullptr, &out), "create_external");
  return out;
}

Handle* unwrapHandle(napi_env env, napi_value value, Kind kind, const char* name) {
  napi_valuetype type;
  check(env, napi_typeof(env, value, &type), "typeof");
  if (type != napi_external) throw Failure{std::string(name) + " must be a native handle"};
  void* data;
  check(env, napi_get_value_external(env, value, &data), "get_value_external");
  auto* handle = static_cast<Handle*>(data);
  if (handle->kind != kind) throw Failure{std::string(name) + (kind == Kind::DMatrix ? " must be a DMatrix handle" : " must be a Booster handle")};
  if (!handle->pointer) throw Failure{std::string(name) + " was already freed"};
  return handle;
}

void* unwrap(napi_env env, napi_value value, Kind kind, const char* name) { return unwrapHandle(env, value, kind, name)->pointer; }

void* boosterArg(napi_env env, napi_value value) { return unwrap(env, value, Kind::Booster, "booster"); }

void* dmatrixArg(napi_env env, napi_value value, const char* name = "dmatrix") { return unwrap(env, value, Kind::DMatrix, name); }

napi_value undefinedValue(napi_env env) {
  napi_value out;
  napi_get_undefined(env, &out);
  return out;
}

napi_value stringValue(napi_env env, const char* data, size_t length) {
  napi_value out;
  check(env, napi_create_string_utf8(env, data, length, &out), "create_string_utf8");
  return out;
}

napi_value int32Value(napi_env env, int32_t value) {
  napi_value out;
  check(env, napi_create_int32(env, value, &out), "create_int32");
  return out;
}

template <typename Body>
napi_value guarded(napi_env env, Body body) {
  try {
    return body();
  } catch (const Failure& failure) {
    napi_throw_error(env, "MIXTAPE_NATIVE", failure.message.c_str());
    return nullptr;
  } catch (const std::exception& error) {
    napi_throw_error(env, "MIXTAPE_NATIVE", error.what());
    return nullptr;
  }
}

// A binding that returns undefined: `body` gets the call's first `count` arguments.
template <typename Body>
napi_value procedure(napi_env env, napi_callback_info info, size_t count, Body body) {
  return guarded(env, [&] {
    body(args(env, info, count));
    return undefinedValue(env);
  });
}

// ---- XGBoost -------------------------------------------------------------------------------

// xgbVersion() -> [major, minor, patch]
napi_value XgbVersion(napi_env env, napi_callback_info) {
  return guarded(env, [&] {
    int major, minor, patch;
    XGBoostVersion(&major, &minor, &patch);
    napi_value out;
    check(env, napi_create_array_with_length(env, 3, &out), "create_array");
    int parts[3] = {major, minor, patch};
    for (uint32_t i = 0; i < 3; i++) check(env, napi_set_element(env, out, i, int32Value(env, parts[i])), "set_element");
    return out;
  });
}

// xgbDMatrix(values: Float32Array, rows, cols, missing) -> handle (the data is copied)
napi_value XgbDMatrix(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto a = args(env, info, 4);
    TypedView values = typedOf(env, a[0], napi_float32_array, "values", "Float32Array");
    auto rows = static_cast<bst_ulong>(number(env, a[1], "rows"));
    auto cols = static_cast<bst_ulong>(number(env, a[2], "cols"));
    float missing = static_cast<float>(number(env, a[3], "missing"));
    if (rows * cols != values.length) throw Failure{"values hold " + std::to_string(values.length) + " numbers, expected rows × cols = " + std::to_string(rows * cols)};
    DMatrixHandle handle;
    xgb(XGDMatrixCreateFromMat(static_cast<const float*>(values.data), rows, cols, missing, &handle), "XGDMatrixCreateFromMat");
    return wrap(env, Kind::DMatrix, handle);
  });
}

// xgbSetFloatInfo / xgbSetUIntInfo(dmatrix, field, values): one of XGBoost's per-row info fields
// from a typed array of the setter's element type.
template <typename T>
napi_value setInfo(napi_env env, napi_callback_info info, napi_typedarray_type type, const char* typeName,
                   int (*setter)(DMatrixHandle, const char*, const T*, bst_ulong), const char* what) {
  return procedure(env, info, 3, [&](const std::vector<napi_value>& a) {
    void* dm = dmatrixArg(env, a[0]);
    std::string field = text(env, a[1], "field");
    TypedView values = typedOf(env, a[2], type, "values", typeName);
    xgb(setter(dm, field.c_str(), static_cast<const T*>(values.data), values.length), what);
  });
}

// label, weight, base_margin
napi_value XgbSetFloatInfo(napi_env env, napi_callback_info info) {
  return setInfo<float>(env, info, napi_float32_array, "Float32Array", XGDMatrixSetFloatInfo, "XGDMatrixSetFloatInfo");
}

// group (sizes of consecutive query groups)
napi_value XgbSetUIntInfo(napi_env env, napi_callback_info info) {
  return setInfo<unsigned>(env, info, napi_uint32_array, "Uint32Array", XGDMatrixSetUIntInfo, "XGDMatrixSetUIntInfo");
}

std::vector<DMatrixHandle> dmatrices(napi_env env, napi_value list, const char* name) {
  bool isArray;
  check(env, napi_is_array(env, list, &isArray), "is_array");
  if (!isArray) throw Failure{std::string(name) + " must be an array of DMatrix handles"};
  uint32_t length;
  check(env, napi_get_array_length(env, list, &length), "get_array_length");
  std::vector<DMatrixHandle> out(length);
  for (uint32_t i = 0; i < length; i++) {
    napi_value item;
    check(env, napi_get_element(env, list, i, &item), "get_element");
    out[i] = dmatrixArg(env, item, name);
  }
  return out;
}

// xgbBooster(cache: DMatrix[]) -> handle
napi_value XgbBooster(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto a = args(env, info, 1);
    auto cache = dmatrices(env, a[0], "cache");
    BoosterHandle handle;
    xgb(XGBoosterCreate(cache.data(), cache.size(), &handle), "XGBoosterCreate");
    return wrap(env, Kind::Booster, handle);
  });
}

// xgbSetParam(booster, name, value)
napi_value XgbSetParam(napi_env env, napi_callback_info info) {
  return procedure(env, info, 3, [&](const std::vector<napi_value>& a) {
    void* booster = boosterArg(env, a[0]);
    std::string name = text(env, a[1], "name");
    std::string value = text(env, a[2], "value");
    xgb(XGBoosterSetParam(booster, name.c_str(), value.c_str()), ("XGBoosterSetParam " + name).c_str());
  });
}

// xgbUpdateOneIter(booster, iteration, dtrain)
napi_value XgbUpdateOneIter(napi_env env, napi_callback_info info) {
  return procedure(env, info, 3, [&](const std::vector<napi_value>& a) {
    void* booster = boosterArg(env, a[0]);
    int iteration = integer(env, a[1], "iteration");
    void* train = dmatrixArg(env, a[2], "dtrain");
    xgb(XGBoosterUpdateOneIter(booster, iteration, train), "XGBoosterUpdateOneIter");
  });
}

// xgbEvalOneIter(booster, iteration, DMatrix[], names[]) -> "[0]\tvalidation-ndcg@10:0.41"
napi_value XgbEvalOneIter(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto a = args(env, info, 4);
    void* booster = boosterArg(env, a[0]);
    int iteration = integer(env, a[1], "iteration");
    auto sets = dmatrices(env, a[2], "sets");
    uint32_t length;
    check(env, napi_get_array_length(env, a[3], &length), "get_array_length");
    if (length != sets.size()) throw Failure{"names must name every evaluation set"};
    std::vector<std::string> names(length);
    std::vector<const char*> pointers(length);
    for (uint32_t i = 0; i < length; i++) {
      napi_value item;
      check(env, napi_get_element(env, a[3], i, &item), "get_element");
      names[i] = text(env, item, "names[i]");
      pointers[i] = names[i].c_str();
    }
    const char* result;
    xgb(XGBoosterEvalOneIter(booster, iteration, sets.data(), pointers.data(), sets.size(), &result), "XGBoosterEvalOneIter");
    return stringValue(env, result, std::strlen(result));
  });
}

// xgbPredict(booster, dmatrix, outputMargin: boolean, iterationEnd: number) -> Float32Array
napi_value XgbPredict(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto a = args(env, info, 4);
    void* booster = boosterArg(env, a[0]);
    void* dm = dmatrixArg(env, a[1]);
    bool margin = boolean(env, a[2], "outputMargin");
    int iterationEnd = integer(env, a[3], "iterationEnd");
    std::string config = std::string("{\"type\": ") + (margin ? "1" : "0") +
                         ", \"training\": false, \"iteration_begin\": 0, \"iteration_end\": " + std::to_string(iterationEnd) +
                         ", \"strict_shape\": false}";
    const bst_ulong* shape;
    bst_ulong dims;
    const float* result;
    xgb(XGBoosterPredictFromDMatrix(booster, dm, config.c_str(), &shape, &dims, &result), "XGBoosterPredictFromDMatrix");
    size_t total = 1;
    for (bst_ulong d = 0; d < dims; d++) total *= shape[d];
    napi_value buffer, out;
    void* data;
    check(env, napi_create_arraybuffer(env, total * sizeof(float), &data, &buffer), "create_arraybuffer");
    std::memcpy(data, result, total * sizeof(float));
    check(env, napi_create_typedarray(env, napi_float32_array, total, buffer, 0, &out), "create_typedarray");
    return out;
  });
}

// xgbSaveJson(booster) -> the model in XGBoost's JSON format
napi_value XgbSaveJson(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto a = args(env, info, 1);
    void* booster = boosterArg(env, a[0]);
    bst_ulong length;
    const char* data;
    xgb(XGBoosterSaveModelToBuffer(booster, "{\"format\": \"json\"}", &length, &data), "XGBoosterSaveModelToBuffer");
    return stringValue(env, data, length);
  });
}

// xgbLoadJson(json) -> booster handle
napi_value XgbLoadJson(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto a = args(env, info, 1);
    std::string json = text(env, a[0], "json");
    BoosterHandle handle;
    xgb(XGBoosterCreate(nullptr, 0, &handle), "XGBoosterCreate");
    int code = XGBoosterLoadModelFromBuffer(handle, json.data(), json.size());
    if (code != 0) {
      std::string message = XGBGetLastError();
      XGBoosterFree(handle);
      throw Failure{"XGBoosterLoadModelFromBuffer: " + message};
    }
    return wrap(env, Kind::Booster, handle);
  });
}

// xgbDump(booster, withStats) -> string[] (one JSON tree per entry)
napi_value XgbDump(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto a = args(env, info, 2);
    void* booster = boosterArg(env, a[0]);
    bool stats = boolean(env, a[1], "withStats");
    bst_ulong length;
    const char** trees;
    xgb(XGBoosterDumpModelEx(booster, "", stats ? 1 : 0, "json", &length, &trees), "XGBoosterDumpModelEx");
    napi_value out;
    check(env, napi_create_array_with_length(env, length, &out), "create_array");
    for (bst_ulong i = 0; i < length; i++) check(env, napi_set_element(env, out, static_cast<uint32_t>(i), stringValue(env, trees[i], std::strlen(trees[i]))), "set_element");
    return out;
  });
}

// xgbFree(handle): releases a DMatrix or Booster before the GC would
napi_value XgbFree(napi_env env, napi_callback_info info) {
  return procedure(env, info, 1, [&](const std::vector<napi_value>& a) {
    void* data;
    check(env, napi_get_value_external(env, a[0], &data), "handle must be a native handle");
    auto* handle = static_cast<Handle*>(data);
    if (handle->pointer) {
      if (handle->kind == Kind::DMatrix) XGDMatrixFree(handle->pointer);
      else XGBoosterFree(handle->pointer);
      handle->pointer = nullptr;
    }
  });
}

// ---- LAPACK --------------------------------------------------------------------------------

// LAPACK's potrf + potri in one precision (d: double, s: float).
template <typename T>
using Lapack = void (*)(const char* uplo, const int* n, T* a, const int* lda, int* info);

// A ← A⁻¹ in place (row-major n × n SPD); the LAPACK info, 0 on success. LAPACK is column-major:
// its lower triangle is the row-major upper one; after potri the row-major upper triangle holds
// the inverse and is mirrored below.
template <typename T>
int choleskyInverseInPlace(T* values, int n, Lapack<T> potrf, Lapack<T> potri) {
  const char uplo = 'L';
  int status = 0;
  potrf(&uplo, &n, values, &n, &status);
  if (status == 0) potri(&uplo, &n, values, &n, &status);
  if (status == 0)
    for (size_t i = 0; i < static_cast<size_t>(n); i++)
      for (size_t j = i + 1; j < static_cast<size_t>(n); j++) values[j * n + i] = values[i * n + j];
  return status;
}

// choleskyInverse(matrix: Float64Array | Float32Array, n): A ← A⁻¹ for symmetric positive-definite
// A (row-major n × n; symmetric, so row/column order does not matter). Returns 0, or the LAPACK
// info (> 0: the leading minor of that order is not positive definite), leaving A undefined.
napi_value CholeskyInverse(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto a = args(env, info, 2);
    TypedView matrix = typed(env, a[0], "matrix");
    int n = integer(env, a[1], "n");
    if (n <= 0 || static_cast<size_t>(n) * n != matrix.length) throw Failure{"matrix holds " + std::to_string(matrix.length) + " numbers, expected n × n"};
    int status;
    if (matrix.type == napi_float64_array) status = choleskyInverseInPlace(static_cast<double*>(matrix.data), n, dpotrf_, dpotri_);
    else if (matrix.type == napi_float32_array) status = choleskyInverseInPlace(static_cast<float*>(matrix.data), n, spotrf_, spotri_);
    else throw Failure{"matrix must be a Float64Array or Float32Array"};
    return int32Value(env, status);
  });
}

// blasThreads(n?): sets OpenBLAS's thread count when n is given; returns the current count.
napi_value BlasThreads(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    size_t count = 1;
    napi_value value;
    check(env, napi_get_cb_info(env, info, &count, &value, nullptr, nullptr), "get_cb_info");
    if (count >= 1) {
      napi_valuetype type;
      check(env, napi_typeof(env, value, &type), "typeof");
      if (type == napi_number) openblas_set_num_threads(integer(env, value, "threads"));
    }
    return int32Value(env, openblas_get_num_threads());
  });
}

napi_value Init(napi_env env, napi_value exports) {
  struct Entry {
    const char* name;
    napi_callback callback;
  };
  const Entry entries[] = {
      {"xgbVersion", XgbVersion},       {"xgbDMatrix", XgbDMatrix},         {"xgbSetFloatInfo", XgbSetFloatInfo},
      {"xgbSetUIntInfo", XgbSetUIntInfo}, {"xgbBooster", XgbBooster},       {"xgbSetParam", XgbSetParam},
      {"xgbUpdateOneIter", XgbUpdateOneIter}, {"xgbEvalOneIter", XgbEvalOneIter}, {"xgbPredict", XgbPredict},
      {"xgbSaveJson", XgbSaveJson},     {"xgbLoadJson", XgbLoadJson},       {"xgbDump", XgbDump},
      {"xgbFree", XgbFree},             {"choleskyInverse", CholeskyInverse}, {"blasThreads", BlasThreads},
  };
  for (const auto& entry : entries) {
    napi_value fn;
    napi_create_function(env, entry.name, NAPI_AUTO_LENGTH, entry.callback, nullptr, &fn);
    napi_set_named_property(env, exports, entry.name, fn);
  }
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
