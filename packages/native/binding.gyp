{
  "targets": [
    {
      "target_name": "mixtape_native",
      "sources": [
        "native/addon.cc"
      ],
      "cflags_cc": [
        "-std=c++17",
        "-O2",
        "-fexceptions"
      ],
      "cflags_cc!": [
        "-fno-exceptions"
      ],
      "libraries": [
        "-lxgboost",
        "-lopenblas"
      ],
      "defines": [
        "NAPI_VERSION=8"
      ]
    }
  ]
}
