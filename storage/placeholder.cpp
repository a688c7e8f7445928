// RocksDB store: see rocks_store.hpp (written in the storage change).
