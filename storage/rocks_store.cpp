#include "storage/rocks_store.hpp"

#include "model/chain.hpp"
#include "storage/codec.hpp"
#include "storage/keys.hpp"
#include "storage/rocks_tuning.hpp"

#include <rocksdb/db.h>
#include <rocksdb/snapshot.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <span>
#include <sys/stat.h>

namespace pg::storage {
namespace {

// Dedupe check-and-write is guarded per key; 256 stripes make two concurrent
// units on one stripe (and so one waiting for the other's fsync) rare.
constexpr std::size_t stripe_count = 256;

// Written into every backup; its presence at open means "a restored copy".
constexpr char backup_marker[] = "PG_BACKUP";
// How far petition numbers jump when a restored copy is first opened: more
// than any office files between a backup and its restore, and small against
// the 2^40 numbers tracking numbers are made from.
constexpr std::uint64_t restore_gap = 1'000'000;

std::uint64_t wall_micros()
{
    using namespace std::chrono;
    return static_cast<std::uint64_t>(duration_cast<microseconds>(system_clock::now().time_since_epoch()).count());
}

// A backup holds every petition: owner only, whatever the process umask
// (table files are hard links to the live ones, which this tightens too).
bool make_owner_only(std::filesystem::path const& dir, std::string& error)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::permissions(dir, fs::perms::owner_all, ec);
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        auto const mode = it->is_directory(ec) ? fs::perms::owner_all : fs::perms::owner_read | fs::perms::owner_write;
        if (!ec)
            fs::permissions(it->path(), mode, ec);
        if (ec)
            break;
    }
    if (ec)
        error = dir.string() + ": making it readable by its owner only: " + ec.message();
    return !ec;
}

void raise_to(std::atomic<std::uint64_t>& a, std::uint64_t floor)
{
    auto cur = a.load();
    while (cur < floor && !a.compare_exchange_weak(cur, floor)) {
    }
}

// Collects the writes of one batch and keeps the first failure.
struct batch_builder {
    rocksdb::WriteBatch batch;
    rocksdb::Status status;

    void put(rocksdb::ColumnFamilyHandle* f, rocksdb::Slice key, rocksdb::Slice value)
    {
        if (status.ok())
            status = batch.Put(f, key, value);
    }
    void remove(rocksdb::ColumnFamilyHandle* f, rocksdb::Slice key)
    {
        if (status.ok())
            status = batch.Delete(f, key);
    }
};

// What an operator can do about a data directory that does not open.
std::string open_advice(rocksdb::Status const& s)
{
    if (s.IsCorruption())
        return " (the data directory is damaged: stop, restore the latest backup into a new directory and set "
               "storage.path to it; see README, Operations)";
    if (s.IsNoSpace())
        return " (no space left on the data directory's file system: free some and start again)";
    if (s.IsIOError())
        return " (storage.path must be a writable directory of this user, used by no other process)";
    return {};
}

commit_result failed(std::string_view what, rocksdb::Status const& s)
{
    commit_result r;
    r.error = std::string(what) + ": " + s.ToString();
    return r;
}

bool matches(model::petition const& p, petition_filter const& f)
{
    if (f.status && p.current != *f.status)
        return false;
    if (f.open_only && !model::is_open(p.current))
        return false;
    if (!f.department.empty() && p.department != f.department)
        return false;
    if (!f.category.empty() && p.category != f.category)
        return false;
    if (f.from && p.submitted_at < *f.from)
        return false;
    if (f.to && p.submitted_at >= *f.to)
        return false;
    if (f.overdue_at && !model::overdue(p, *f.overdue_at))
        return false;
    return true;
}

}  // namespace

struct rocks_store::impl {
    std::string path;
    bool sync = true;
    std::size_t history_max = 0;
    rocksdb::DB* db = nullptr;
    std::vector<rocksdb::ColumnFamilyHandle*> handles;

    std::atomic<std::uint64_t> next_petition{1};
    std::atomic<std::uint64_t> next_seq{1};
    // Orders timeline events with equal times: seeded from the wall clock in
    // microseconds, so it starts above anything an earlier run handed out.
    std::atomic<std::uint64_t> next_tiebreak{0};
    std::atomic<std::uint64_t> decode_failures{0};
    std::atomic<std::uint64_t> read_errors{0};
    std::atomic<bool> write_failed{false};  // the last write failed: RocksDB may have stopped writes

    std::array<std::mutex, stripe_count> stripes;
    // The seqs the outbox holds, mirrored in memory so that a delivery mark
    // needs no read to know whether its entry is still queued (and the depth
    // is its size), with each entry's lease (an empty owner: none). Leases live
    // only here: one process holds the database, and a restart frees them all.
    // queued_mutex is held for moments, never across a write.
    std::map<std::uint64_t, outbox_lease> queued_seqs;
    std::mutex queued_mutex;
    std::mutex outbox_mutex;  // mark_delivered / mark_dead / deliver_to_history: check, delete, seq mark
    bool queued(std::uint64_t seq)
    {
        std::lock_guard lock(queued_mutex);
        return queued_seqs.contains(seq);
    }
    void unqueue(std::span<std::uint64_t const> seqs)
    {
        std::lock_guard lock(queued_mutex);
        for (auto const seq : seqs)
            queued_seqs.erase(seq);
    }
    std::mutex threads_mutex; // bind_thread: reading the old mapping and replacing it
    // A conversation's compare-and-set: held from reading its stored events to the write.
    std::array<std::mutex, stripe_count> conversation_stripes;
    // store::lock: names hash onto stripes, one array per lock_space.
    std::array<std::array<std::mutex, 64>, 2> name_locks;
    // Web chat history: held from reading a conversation's last seq to writing the next.
    std::array<std::mutex, stripe_count> history_stripes;

    ~impl() { close(); }

    rocksdb::ColumnFamilyHandle* cf(family f) const { return handles[static_cast<std::size_t>(f)]; }

    [[noreturn]] void refuse(std::string_view what, rocksdb::Status const& s) const
    {
        throw storage_error(path + ": " + std::string(what) + ": " + s.ToString());
    }
    // A read that failed at run time: counted, and the unit that needed it is not processed.
    [[noreturn]] void unreadable(family f, rocksdb::Status const& s)
    {
        ++read_errors;
        throw unavailable(path + ": read " + std::string(name(f)) + ": " + s.ToString());
    }

    void open(rocks_options const& o);
    void close() noexcept;
    bool flush() noexcept;
    void check_format();
    std::optional<std::uint64_t> meta_u64(std::string_view key);
    void adopt_restored_copy();
    std::optional<std::uint64_t> last_u64_key(family f);
    void load_queued_seqs();

    // Get into `out`; false when absent. Throws `unavailable` when unreadable.
    bool get(family f, rocksdb::Slice key, rocksdb::PinnableSlice& out, rocksdb::ReadOptions const& ro = {});
    std::optional<std::string> get_string(family f, rocksdb::Slice key);
    rocksdb::Status write(rocksdb::WriteOptions const& wo, rocksdb::WriteBatch& batch);
    commit_result write_unit(unit_of_work const& w, durability d);
    std::vector<std::unique_lock<std::mutex>> lock_history(std::vector<history_append> const& appends);
    std::uint64_t last_history_seq(std::string_view channel_id, std::string_view chat_id);
    void put_history(batch_builder& b, std::vector<history_append> const& appends);
    template <class F>
    void scan(family f, rocksdb::ReadOptions ro, bool backwards, F on_record);
    // Puts every stored entry of the petition's timeline again without its personal parts.
    void erase_timeline(batch_builder& b, std::string_view tracking);
    // Lists or unlists the petition in open_petitions, as it is open or not.
    void put_open_index(batch_builder& b, model::petition const& p);
    // Fills open_petitions from the petitions, once, in a store made before it existed.
    void index_open_petitions();
    // Deletes each key of `f` the predicate picks, a bounded batch at a time; how many.
    template <class F>
    std::uint64_t delete_where(family f, F pick);
};

void rocks_store::impl::open(rocks_options const& o)
{
    path = o.path;
    sync = o.sync;
    // Made here rather than by RocksDB (0755 less the umask): it holds every
    // petition. An existing one keeps its mode; RocksDB's open reports any error.
    if (o.create_if_missing)
        ::mkdir(path.c_str(), 0700);
    history_max = o.history_max;
    auto s = rocksdb::DB::Open(db_options(o), path, family_descriptors(), &handles, &db);
    if (!s.ok())
        throw storage_error(path + ": open: " + s.ToString() + open_advice(s));

    check_format();
    index_open_petitions();
    next_petition = std::max<std::uint64_t>(last_u64_key(family::petition_numbers).value_or(0) + 1, 1);
    raise_to(next_petition, meta_u64(meta::petition_next_number).value_or(0));
    adopt_restored_copy();

    std::uint64_t seq = 1;
    if (auto last = last_u64_key(family::outbox))
        seq = std::max(seq, *last + 1);
    if (auto last = last_u64_key(family::dead_letters))
        seq = std::max(seq, *last + 1);
    rocksdb::PinnableSlice mark;
    s = db->Get(rocksdb::ReadOptions{}, cf(family::meta), meta::outbox_next_seq, &mark);
    if (s.ok()) {
        auto const n = u64_from_key(mark.ToStringView());
        if (!n)
            throw storage_error(path + ": outbox seq mark: not an 8-byte number");
        seq = std::max(seq, *n);
    } else if (!s.IsNotFound()) {
        refuse("outbox seq mark", s);
    }
    next_seq = seq;
    next_tiebreak = wall_micros();
    load_queued_seqs();
}

std::optional<std::uint64_t> rocks_store::impl::meta_u64(std::string_view key)
{
    rocksdb::PinnableSlice v;
    auto s = db->Get(rocksdb::ReadOptions{}, cf(family::meta), key, &v);
    if (s.IsNotFound())
        return std::nullopt;
    if (!s.ok())
        refuse(key, s);
    auto const n = u64_from_key(v.ToStringView());
    if (!n)
        throw storage_error(path + ": " + std::string(key) + ": not an 8-byte number");
    return n;
}

// The original gateway went on handing out petition numbers after the backup
// was taken, and a citizen may hold one of them: a restored copy must never
// hand the same tracking number to someone else. The jump is stored before the
// marker goes, so a crash in between only jumps once more.
void rocks_store::impl::adopt_restored_copy()
{
    auto const marker = std::filesystem::path(path) / backup_marker;
    std::error_code ec;
    if (!std::filesystem::exists(marker, ec))
        return;
    auto const next = next_petition.load() + restore_gap;
    rocksdb::WriteOptions wo;
    wo.sync = true;
    auto s = db->Put(wo, cf(family::meta), meta::petition_next_number, u64_key(next));
    if (!s.ok())
        refuse("restored copy: petition number floor", s);
    next_petition = next;
    if (!std::filesystem::remove(marker, ec) || ec)
        throw storage_error(marker.string() + ": remove: " + (ec ? ec.message() : "not removed"));
}

void rocks_store::impl::check_format()
{
    rocksdb::PinnableSlice stored;
    auto s = db->Get(rocksdb::ReadOptions{}, cf(family::meta), meta::format, &stored);
    if (s.ok()) {
        if (stored.ToStringView() != meta::format_version)
            throw storage_error(path + ": format: stored format " + stored.ToString() + ", this build reads " +
                                std::string(meta::format_version));
        return;
    }
    if (!s.IsNotFound())
        refuse("format", s);
    rocksdb::WriteOptions wo;
    wo.sync = true;
    s = db->Put(wo, cf(family::meta), meta::format, meta::format_version);
    if (!s.ok())
        refuse("format", s);
}

std::optional<std::uint64_t> rocks_store::impl::last_u64_key(family f)
{
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions{}, cf(f)));
    it->SeekToLast();
    if (!it->status().ok())
        refuse(std::string("last key of ") + name(f), it->status());
    if (!it->Valid())
        return std::nullopt;
    auto n = u64_from_key(it->key().ToStringView());
    if (!n)
        throw storage_error(path + ": last key of " + name(f) + ": not an 8-byte number");
    return n;
}

void rocks_store::impl::load_queued_seqs()
{
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions{}, cf(family::outbox)));
    for (it->SeekToFirst(); it->Valid(); it->Next())
        if (auto const seq = u64_from_key(it->key().ToStringView()))
            queued_seqs.emplace(*seq, outbox_lease{});
    if (!it->status().ok())
        refuse("outbox seqs", it->status());
}

bool rocks_store::impl::flush() noexcept
{
    // Syncing a WAL whose last write failed trips an assertion in RocksDB 7.8
    // (the Debian build keeps them): only a recovered database is flushed. Its
    // synced commits are in the WAL anyway, which the next open replays.
    if (write_failed.load()) {
        if (!db->Resume().ok())
            return false;
        write_failed = false;
    }
    // FlushWAL(true) also syncs, which matters when commits were not synced.
    auto s = db->FlushWAL(true);
    if (!s.ok())
        return false;
    rocksdb::FlushOptions fo;
    fo.wait = true;
    return db->Flush(fo, handles).ok();
}

void rocks_store::impl::close() noexcept
{
    if (db == nullptr)
        return;
    // Nothing to report to from a destructor: a failed flush leaves the WAL,
    // which the next open replays.
    (void)flush();
    for (auto* h : handles)
        (void)db->DestroyColumnFamilyHandle(h);
    handles.clear();
    (void)db->Close();
    delete db;
    db = nullptr;
}

bool rocks_store::impl::get(family f, rocksdb::Slice key, rocksdb::PinnableSlice& out, rocksdb::ReadOptions const& ro)
{
    auto s = db->Get(ro, cf(f), key, &out);
    if (s.ok())
        return true;
    if (!s.IsNotFound())
        unreadable(f, s);
    return false;
}

std::optional<std::string> rocks_store::impl::get_string(family f, rocksdb::Slice key)
{
    rocksdb::PinnableSlice v;
    if (!get(f, key, v))
        return std::nullopt;
    return v.ToString();
}

template <class F>
void rocks_store::impl::scan(family f, rocksdb::ReadOptions ro, bool backwards, F on_record)
{
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, cf(f)));
    if (backwards)
        it->SeekToLast();
    else
        it->SeekToFirst();
    while (it->Valid() && on_record(it->key().ToStringView(), it->value().ToStringView())) {
        if (backwards)
            it->Prev();
        else
            it->Next();
    }
    if (!it->status().ok())
        unreadable(f, it->status());  // a partial list would pass for the whole one
}

void rocks_store::impl::put_open_index(batch_builder& b, model::petition const& p)
{
    auto const key = open_petition_key(p.category, p.number);
    if (model::is_open(p.current))
        b.put(cf(family::open_petitions), key, p.tracking);
    else
        b.remove(cf(family::open_petitions), key);
}

void rocks_store::impl::index_open_petitions()
{
    rocksdb::PinnableSlice done;
    auto s = db->Get(rocksdb::ReadOptions{}, cf(family::meta), meta::open_petitions_indexed, &done);
    if (s.ok())
        return;
    if (!s.IsNotFound())
        refuse("open petitions index", s);
    batch_builder b;
    scan(family::petitions, {}, false, [&](std::string_view, std::string_view bytes) {
        if (auto p = decode_petition(bytes))
            put_open_index(b, *p);
        return true;
    });
    b.put(cf(family::meta), meta::open_petitions_indexed, "1");
    rocksdb::WriteOptions wo;
    wo.sync = true;
    if (b.status.ok())
        b.status = db->Write(wo, &b.batch);
    if (!b.status.ok())
        refuse("open petitions index", b.status);
}

void rocks_store::impl::erase_timeline(batch_builder& b, std::string_view tracking)
{
    auto const prefix = timeline_prefix(tracking);
    auto const end = prefix_end(prefix);
    rocksdb::Slice const upper(end);
    rocksdb::ReadOptions ro;
    ro.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, cf(family::timeline)));
    for (it->Seek(prefix); it->Valid(); it->Next())
        if (auto e = decode_timeline_event(it->value().ToStringView()))
            b.put(cf(family::timeline), it->key().ToStringView(), encode(model::erased(std::move(*e))));
    if (!it->status().ok())
        unreadable(family::timeline, it->status());  // a half-erased timeline must not be committed
}

template <class F>
std::uint64_t rocks_store::impl::delete_where(family f, F pick)
{
    constexpr std::size_t batch_size = 1000;
    std::uint64_t removed = 0;
    std::vector<std::string> keys;
    auto const flush = [&] {
        rocksdb::WriteBatch batch;
        for (auto const& k : keys)
            batch.Delete(cf(f), k);
        // Not synced: a removal a crash loses is made again by the next sweep.
        if (write(rocksdb::WriteOptions{}, batch).ok())
            removed += keys.size();
        keys.clear();
    };
    scan(f, rocksdb::ReadOptions{}, false, [&](std::string_view k, std::string_view v) {
        if (pick(k, v))
            keys.emplace_back(k);
        if (keys.size() == batch_size)
            flush();
        return true;
    });
    if (!keys.empty())
        flush();
    return removed;
}

// A failed write (no space, a read-only file system) puts RocksDB in a
// background-error state in which it refuses every write. It recovers from
// "no space" by itself once its SstFileManager sees room (polling every few
// seconds); asking here, before the next write, recovers as soon as the disk
// has room and answers "still failing" cheaply while it has not. Resume()
// flushes the memtables to table files and starts a new WAL, so a record torn
// by the failed write is never replayed in front of later ones.
rocksdb::Status rocks_store::impl::write(rocksdb::WriteOptions const& wo, rocksdb::WriteBatch& batch)
{
    if (write_failed.load()) {
        auto s = db->Resume();
        if (!s.ok())  // Busy while RocksDB's own recovery waits for room
            return rocksdb::Status::IOError("writes stopped after a failed write, not yet recovered", s.ToString());
        write_failed = false;
    }
    auto s = db->Write(wo, &batch);
    if (!s.ok())
        write_failed = true;
    return s;
}

commit_result rocks_store::impl::write_unit(unit_of_work const& w, durability d)
{
    batch_builder b;
    b.put(cf(family::dedupe), w.dedupe_key, u64_key(static_cast<std::uint64_t>(model::to_millis(wall_now()))));
    if (w.conversation) {
        auto const& c = *w.conversation;
        b.put(cf(family::conversations), conversation_key(c.channel_id, c.chat_id), encode(c));
    }
    for (auto const& p : w.petitions) {
        b.put(cf(family::petitions), p.tracking, encode(p));
        b.put(cf(family::petition_numbers), u64_key(p.number), p.tracking);
        put_open_index(b, p);
        raise_to(next_petition, p.number + 1);  // a number that did not come from us is not handed out later
    }
    if (!w.timeline.empty()) {
        auto tiebreak = next_tiebreak.fetch_add(w.timeline.size());
        for (auto const& [tracking, e] : w.timeline)
            b.put(cf(family::timeline), timeline_key(tracking, e.at, tiebreak++), encode(e));
    }
    std::vector<model::outbox_entry> queued;
    if (!w.outbox.empty()) {
        // One contiguous range per unit keeps its messages in the order given.
        auto seq = next_seq.fetch_add(w.outbox.size());
        auto const created = unit_time(w);
        queued.reserve(w.outbox.size());
        for (auto const& m : w.outbox) {
            auto& e = queued.emplace_back(model::outbox_entry{seq++, m, 0, created});
            b.put(cf(family::outbox), u64_key(e.seq), encode(e));
        }
    }
    for (auto const& c : w.citizens) {
        auto const bytes = encode(c);
        for (auto const& i : c.identities)
            b.put(cf(family::citizens), citizen_key(i.channel_id, i.chat_id), bytes);
    }
    for (auto const& c : w.link_codes)
        b.put(cf(family::citizens), link_code_key(c.code), encode(c));
    for (auto const& code : w.used_link_codes)
        b.remove(cf(family::citizens), link_code_key(code));
    for (auto const& n : w.sent_notices)
        b.put(cf(family::citizens), sent_notice_key(n.to.channel_id, n.sent_id), encode(n));
    for (auto const& tracking : w.erased_timelines)
        erase_timeline(b, tracking);
    for (auto const& a : w.thread_aliases)
        b.put(cf(family::threads), petition_of_thread_key(a.channel_id, a.chat_id, a.thread_id), a.tracking);
    auto const history_locks = lock_history(w.history);  // until the write is done
    put_history(b, w.history);
    if (!b.status.ok())
        return failed("batch", b.status);

    rocksdb::WriteOptions wo;
    wo.sync = sync && d == durability::on_return;  // concurrent writers share one WAL sync
    auto s = write(wo, b.batch);
    if (!s.ok())
        return failed(path + ": commit", s);
    if (!queued.empty()) {
        std::lock_guard lock(queued_mutex);
        for (auto const& e : queued)
            queued_seqs.emplace(e.seq, w.lease.value_or(outbox_lease{}));
    }
    commit_result r;
    r.status = commit_status::committed;
    r.queued = std::move(queued);
    return r;
}

rocks_store::rocks_store(rocks_options const& o) : impl_(std::make_unique<impl>())
{
    impl_->open(o);  // on a throw, ~impl closes whatever was opened
}

rocks_store::~rocks_store() = default;

commit_result rocks_store::commit(unit_of_work const& work, durability d)
{
    if (work.dedupe_key.empty()) {
        commit_result r;
        r.error = "dedupe key: empty";
        return r;
    }
    // Held from the lookup to the write, so two units with one key cannot both commit.
    auto const stripe = std::hash<std::string_view>{}(work.dedupe_key) % stripe_count;
    std::lock_guard lock(impl_->stripes[stripe]);
    rocksdb::PinnableSlice ignored;
    auto s = impl_->db->Get(rocksdb::ReadOptions{}, impl_->cf(family::dedupe), work.dedupe_key, &ignored);
    if (s.ok()) {
        commit_result r;
        r.status = commit_status::duplicate;
        return r;
    }
    if (!s.IsNotFound())
        return failed("dedupe lookup", s);
    if (!work.conversation)
        return impl_->write_unit(work, d);
    // Held from reading the stored conversation to the write: its compare-and-set.
    auto const& c = *work.conversation;
    auto const key = conversation_key(c.channel_id, c.chat_id);
    std::lock_guard held(impl_->conversation_stripes[std::hash<std::string>{}(key) % stripe_count]);
    rocksdb::PinnableSlice stored;
    s = impl_->db->Get(rocksdb::ReadOptions{}, impl_->cf(family::conversations), key, &stored);
    if (!s.ok() && !s.IsNotFound())
        return failed("conversation lookup", s);
    std::uint64_t events = 0;
    if (s.ok()) {
        auto const was = decode_conversation(stored.ToStringView());
        events = was ? was->events : 0;  // an unreadable one is replaced
    }
    if (events != work.conversation_read) {
        commit_result r;
        r.status = commit_status::conflict;
        return r;
    }
    return impl_->write_unit(work, d);
}

bool rocks_store::sync_wal()
{
    // Syncing a WAL whose last write failed trips an assertion in RocksDB 7.8
    // (see flush()); the next write's Resume() starts a fresh WAL first. (A
    // write failing in the microseconds between this check and the sync's own
    // would still trip it: a disk error exactly then.)
    if (impl_->write_failed.load())
        return false;
    // SyncWAL syncs without holding up writers: those that arrive meanwhile
    // append to the same file and wait for the next sync.
    return impl_->db->SyncWAL().ok();
}

bool rocks_store::seen(std::string_view dedupe_key)
{
    rocksdb::PinnableSlice ignored;
    return impl_->get(family::dedupe, rocksdb::Slice(dedupe_key.data(), dedupe_key.size()), ignored);
}

std::optional<model::conversation> rocks_store::conversation(std::string_view channel_id, std::string_view chat_id)
{
    rocksdb::PinnableSlice v;
    if (!impl_->get(family::conversations, conversation_key(channel_id, chat_id), v))
        return std::nullopt;
    auto c = decode_conversation(v.ToStringView());
    if (!c)
        ++impl_->decode_failures;
    return c;
}

std::optional<model::petition> rocks_store::petition(std::string_view tracking)
{
    rocksdb::PinnableSlice v;
    if (!impl_->get(family::petitions, tracking, v))
        return std::nullopt;
    auto p = decode_petition(v.ToStringView());
    if (!p)
        ++impl_->decode_failures;
    return p;
}

std::vector<model::timeline_event> rocks_store::timeline(std::string_view tracking)
{
    auto const prefix = timeline_prefix(tracking);
    auto const end = prefix_end(prefix);
    rocksdb::Slice const upper(end);
    rocksdb::ReadOptions ro;
    ro.iterate_upper_bound = &upper;

    std::vector<model::timeline_event> out;
    std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(ro, impl_->cf(family::timeline)));
    for (it->Seek(prefix); it->Valid(); it->Next()) {
        if (auto e = decode_timeline_event(it->value().ToStringView()))
            out.push_back(std::move(*e));
        else
            ++impl_->decode_failures;
    }
    if (!it->status().ok())
        impl_->unreadable(family::timeline, it->status());
    return out;
}

std::uint64_t rocks_store::next_petition_number()
{
    return impl_->next_petition.fetch_add(1);
}

namespace {

struct mutex_locks final : held_locks {
    std::vector<std::unique_lock<std::mutex>> held;
};

}  // namespace

std::unique_ptr<held_locks> rocks_store::lock(lock_space space, std::vector<std::string_view> const& names)
{
    auto& stripes = impl_->name_locks[static_cast<std::size_t>(space)];
    std::vector<std::mutex*> picked;
    for (auto name : names)
        picked.push_back(&stripes[std::hash<std::string_view>{}(name) % stripes.size()]);
    // Always in address order, so two lockers of overlapping sets cannot deadlock.
    std::sort(picked.begin(), picked.end());
    picked.erase(std::unique(picked.begin(), picked.end()), picked.end());
    auto locks = std::make_unique<mutex_locks>();
    for (auto* m : picked)
        locks->held.emplace_back(*m);
    return locks;
}

std::vector<model::outbox_entry> rocks_store::claim_outbox(outbox_claim const& c)
{
    // The leases are in memory: pick and lease the seqs there, then read the entries.
    std::vector<std::uint64_t> seqs;
    {
        std::lock_guard lock(impl_->queued_mutex);
        auto const until = c.now + c.lease;
        for (auto it = impl_->queued_seqs.upper_bound(c.after); it != impl_->queued_seqs.end(); ++it) {
            if (seqs.size() >= c.limit)
                break;
            auto& lease = it->second;
            if (!lease.owner.empty() && lease.owner != c.owner && lease.until > c.now)
                continue;
            lease = {c.owner, until};
            seqs.push_back(it->first);
        }
    }
    std::vector<model::outbox_entry> out;
    out.reserve(seqs.size());
    for (auto const seq : seqs) {
        rocksdb::PinnableSlice v;
        if (!impl_->get(family::outbox, u64_key(seq), v))
            continue;  // delivered meanwhile
        if (auto e = decode_outbox_entry(v.ToStringView(), seq))
            out.push_back(std::move(*e));
        else
            ++impl_->decode_failures;
    }
    return out;
}

bool rocks_store::mark_delivered(std::vector<std::uint64_t> const& seqs)
{
    if (seqs.empty())
        return true;
    // A seq given twice must be counted once.
    auto unique = seqs;
    std::sort(unique.begin(), unique.end());
    unique.erase(std::unique(unique.begin(), unique.end()), unique.end());

    std::lock_guard lock(impl_->outbox_mutex);
    std::erase_if(unique, [&](std::uint64_t seq) { return !impl_->queued(seq); });
    if (unique.empty())
        return true;
    batch_builder b;
    for (auto const seq : unique)
        b.remove(impl_->cf(family::outbox), u64_key(seq));
    // The mark goes with the deletes: once the outbox is empty, it is what keeps
    // seqs from starting over at the next open.
    b.put(impl_->cf(family::meta), meta::outbox_next_seq, u64_key(impl_->next_seq.load()));
    if (!b.status.ok())
        return false;
    rocksdb::WriteOptions wo;
    wo.sync = false;  // a lost delete re-sends the message: still at least once
    if (!impl_->write(wo, b.batch).ok())
        return false;
    impl_->unqueue(unique);
    return true;
}

bool rocks_store::mark_dead(model::outbox_entry const& entry, std::string_view reason)
{
    std::lock_guard lock(impl_->outbox_mutex);
    auto const key = u64_key(entry.seq);
    bool const present = impl_->queued(entry.seq);
    batch_builder b;
    if (present)
        b.remove(impl_->cf(family::outbox), key);
    b.put(impl_->cf(family::dead_letters), key, encode_dead_letter(entry, reason));
    b.put(impl_->cf(family::meta), meta::outbox_next_seq, u64_key(impl_->next_seq.load()));
    if (!b.status.ok())
        return false;
    rocksdb::WriteOptions wo;
    wo.sync = impl_->sync;
    if (!impl_->write(wo, b.batch).ok())
        return false;
    impl_->unqueue({&entry.seq, 1});
    return true;
}

std::vector<std::pair<model::outbox_entry, std::string>> rocks_store::dead_letters(std::size_t limit)
{
    std::vector<std::pair<model::outbox_entry, std::string>> out;
    if (limit == 0)
        return out;
    impl_->scan(family::dead_letters, rocksdb::ReadOptions{}, true, [&](std::string_view k, std::string_view v) {
        auto const seq = u64_from_key(k);
        auto d = seq ? decode_dead_letter(v, *seq) : std::nullopt;
        if (d)
            out.push_back(std::move(*d));
        else
            ++impl_->decode_failures;
        return out.size() < limit;
    });
    return out;
}

bool rocks_store::bind_thread(std::string_view channel_id, std::string_view chat_id, std::string_view thread_id,
                              std::string_view tracking)
{
    if (channel_id.empty() || chat_id.empty() || thread_id.empty() || tracking.empty())
        return false;
    auto const forward = thread_of_petition_key(channel_id, chat_id, tracking);
    auto const backward = petition_of_thread_key(channel_id, chat_id, thread_id);

    std::lock_guard lock(impl_->threads_mutex);
    auto const read = [&](std::string const& key, std::optional<std::string>& out) {
        rocksdb::PinnableSlice v;
        auto s = impl_->db->Get(rocksdb::ReadOptions{}, impl_->cf(family::threads), key, &v);
        if (s.ok())
            out = v.ToString();
        else if (!s.IsNotFound())
            ++impl_->read_errors;
        return s.ok() || s.IsNotFound();
    };
    std::optional<std::string> old_thread;    // this petition's thread until now
    std::optional<std::string> old_petition;  // this thread's petition until now
    if (!read(forward, old_thread) || !read(backward, old_petition))
        return false;

    // Drop the reverse entries the new pair makes stale, so that each
    // direction keeps mirroring the other.
    batch_builder b;
    if (old_thread && *old_thread != thread_id)
        b.remove(impl_->cf(family::threads), petition_of_thread_key(channel_id, chat_id, *old_thread));
    if (old_petition && *old_petition != tracking)
        b.remove(impl_->cf(family::threads), thread_of_petition_key(channel_id, chat_id, *old_petition));
    b.put(impl_->cf(family::threads), forward, thread_id);
    b.put(impl_->cf(family::threads), backward, tracking);
    if (!b.status.ok())
        return false;
    rocksdb::WriteOptions wo;
    wo.sync = impl_->sync;
    return impl_->write(wo, b.batch).ok();
}

std::optional<std::string> rocks_store::thread_of(std::string_view channel_id, std::string_view chat_id,
                                                  std::string_view tracking)
{
    return impl_->get_string(family::threads, thread_of_petition_key(channel_id, chat_id, tracking));
}

std::optional<std::string> rocks_store::petition_of_thread(std::string_view channel_id, std::string_view chat_id,
                                                           std::string_view thread_id)
{
    return impl_->get_string(family::threads, petition_of_thread_key(channel_id, chat_id, thread_id));
}

// A scan of petition_numbers, newest first, loading each petition (or of a
// category's open petitions in open_petitions). Fine for a few hundred
// thousand petitions; when volumes grow, keep a "listing"
// family keyed status '\0' department '\0' (inverted submitted_at) '\0' tracking,
// written in the same batch as the petition (the unit then has to carry the
// old status and department, to delete the old key), plus a deadline index
// keyed by the earlier of response_due_at / deadline_at for overdue_at, so a
// filtered page reads only the keys it returns.
std::vector<model::petition> rocks_store::petitions(petition_filter const& f)
{
    std::vector<model::petition> out;
    if (f.limit == 0)
        return out;
    // One snapshot for the index and the records: a petition committed while
    // the list is read is either wholly in it or not at all.
    rocksdb::ManagedSnapshot snapshot(impl_->db);
    rocksdb::ReadOptions ro;
    ro.snapshot = snapshot.snapshot();
    // The open petitions of a category come from their index (the duplicate
    // offer asks on every filing); its keys end in the number, as
    // petition_numbers' do.
    auto index = family::petition_numbers;
    std::string lower, upper;
    rocksdb::Slice lower_slice, upper_slice;
    if (f.open_only && !f.category.empty()) {
        index = family::open_petitions;
        lower = open_petitions_prefix(f.category);
        upper = prefix_end(lower);
        lower_slice = lower;
        upper_slice = upper;
        ro.iterate_lower_bound = &lower_slice;
        ro.iterate_upper_bound = &upper_slice;
    }
    impl_->scan(index, ro, true, [&](std::string_view k, std::string_view tracking) {
        auto const number = u64_from_key(k.substr(lower.size()));
        rocksdb::PinnableSlice bytes;
        if (!number || !impl_->get(family::petitions, rocksdb::Slice(tracking.data(), tracking.size()), bytes, ro))
            return true;
        auto p = decode_petition(bytes.ToStringView());
        if (!p) {
            ++impl_->decode_failures;
            return true;
        }
        // A record stored again under another number leaves its old index
        // entry behind: list it once, under the number it has now.
        if (p->number != *number)
            return true;
        if (matches(*p, f))
            out.push_back(std::move(*p));
        return out.size() < f.limit;
    });
    return out;
}

bool rocks_store::backup(std::string const& dir, std::string& error)
{
    rocksdb::Checkpoint* raw = nullptr;
    auto s = rocksdb::Checkpoint::Create(impl_->db, &raw);
    std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
    // The default log_size_for_flush (0) flushes the memtables first, and the
    // live WAL is copied too, so nothing committed before this call is missed
    // even with sync = false.
    if (s.ok())
        s = checkpoint->CreateCheckpoint(dir);
    if (!s.ok()) {
        error = dir + ": checkpoint: " + s.ToString();
        return false;
    }
    std::ofstream marker(std::filesystem::path(dir) / backup_marker);
    marker << "A backup taken while serving; petition numbers jump when it is first opened.\n";
    marker.close();
    if (!marker) {
        error = dir + ": " + backup_marker + ": could not be written";
        return false;
    }
    if (!make_owner_only(dir, error))
        return false;
    error.clear();
    return true;
}

// Stripes in ascending order, each once, so two writers never wait on each other crosswise.
std::vector<std::unique_lock<std::mutex>> rocks_store::impl::lock_history(std::vector<history_append> const& appends)
{
    std::vector<std::size_t> stripes;
    for (auto const& a : appends)
        stripes.push_back(std::hash<std::string>{}(conversation_key(a.channel_id, a.chat_id)) % stripe_count);
    std::sort(stripes.begin(), stripes.end());
    stripes.erase(std::unique(stripes.begin(), stripes.end()), stripes.end());
    std::vector<std::unique_lock<std::mutex>> held;
    for (auto const i : stripes)
        held.emplace_back(history_stripes[i]);
    return held;
}

std::uint64_t rocks_store::impl::last_history_seq(std::string_view channel_id, std::string_view chat_id)
{
    auto const prefix = history_prefix(channel_id, chat_id);
    auto const end = prefix_end(prefix);
    rocksdb::Slice const upper(end);
    rocksdb::ReadOptions ro;
    ro.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, cf(family::history)));
    it->SeekToLast();
    if (!it->status().ok())
        unreadable(family::history, it->status());
    if (!it->Valid() || !it->key().starts_with(prefix))
        return 0;
    return u64_from_key(it->key().ToStringView().substr(prefix.size())).value_or(0);
}

// Each entry gets the next seq of its conversation. The caller holds lock_history.
// Seqs have no gaps, so with a bound each new seq n retires exactly n - history_max:
// the conversation keeps its newest history_max entries.
void rocks_store::impl::put_history(batch_builder& b, std::vector<history_append> const& appends)
{
    std::map<std::string, std::uint64_t> next;  // conversation -> next seq within this batch
    for (auto const& a : appends) {
        auto const key = conversation_key(a.channel_id, a.chat_id);
        auto it = next.find(key);
        if (it == next.end())
            it = next.emplace(key, last_history_seq(a.channel_id, a.chat_id) + 1).first;
        auto const seq = it->second++;
        b.put(cf(family::history), history_key(a.channel_id, a.chat_id, seq), encode(a.entry));
        if (history_max > 0 && seq > history_max)
            b.remove(cf(family::history), history_key(a.channel_id, a.chat_id, seq - history_max));
    }
}

std::vector<history_entry> rocks_store::history(std::string_view channel_id, std::string_view chat_id,
                                                std::uint64_t after, std::size_t limit)
{
    std::vector<history_entry> out;
    if (limit == 0 || after == std::numeric_limits<std::uint64_t>::max())
        return out;
    auto const prefix = history_prefix(channel_id, chat_id);
    auto const end = prefix_end(prefix);
    rocksdb::Slice const upper(end);
    rocksdb::ReadOptions ro;
    ro.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(ro, impl_->cf(family::history)));
    for (it->Seek(history_key(channel_id, chat_id, after + 1)); it->Valid() && out.size() < limit; it->Next()) {
        auto const seq = u64_from_key(it->key().ToStringView().substr(prefix.size()));
        auto e = seq ? decode_history_entry(it->value().ToStringView(), *seq) : std::nullopt;
        if (e)
            out.push_back(std::move(*e));
        else
            ++impl_->decode_failures;
    }
    if (!it->status().ok())
        impl_->unreadable(family::history, it->status());
    return out;
}

local_delivery rocks_store::deliver_to_history(std::uint64_t outbox_seq, history_append const& a)
{
    std::lock_guard lock(impl_->outbox_mutex);
    if (!impl_->queued(outbox_seq))
        return local_delivery::already_delivered;
    auto const key = u64_key(outbox_seq);
    std::vector<history_append> const appends{a};
    auto const history_locks = impl_->lock_history(appends);
    batch_builder b;
    try {
        impl_->put_history(b, appends);
    } catch (unavailable const&) {
        return local_delivery::failed;
    }
    b.remove(impl_->cf(family::outbox), key);
    b.put(impl_->cf(family::meta), meta::outbox_next_seq, u64_key(impl_->next_seq.load()));
    if (!b.status.ok())
        return local_delivery::failed;
    rocksdb::WriteOptions wo;
    wo.sync = impl_->sync;  // the page may already show it: it must survive a crash
    if (!impl_->write(wo, b.batch).ok())
        return local_delivery::failed;
    impl_->unqueue({&outbox_seq, 1});
    return local_delivery::appended;
}

model::citizen rocks_store::citizen(std::string_view channel_id, std::string_view chat_id)
{
    rocksdb::PinnableSlice v;
    if (impl_->get(family::citizens, citizen_key(channel_id, chat_id), v)) {
        if (auto c = decode_citizen(v.ToStringView()))
            return std::move(*c);
        ++impl_->decode_failures;
    }
    return model::alone({std::string(channel_id), std::string(chat_id)});
}

std::optional<model::link_code> rocks_store::link_code(std::string_view code)
{
    rocksdb::PinnableSlice v;
    if (!impl_->get(family::citizens, link_code_key(code), v))
        return std::nullopt;
    auto c = decode_link_code(v.ToStringView());
    if (!c)
        ++impl_->decode_failures;
    return c;
}

bool rocks_store::record_sent(model::sent_notice const& n)
{
    batch_builder b;
    b.put(impl_->cf(family::citizens), sent_notice_key(n.to.channel_id, n.sent_id), encode(n));
    if (!b.status.ok())
        return false;
    rocksdb::WriteOptions wo;
    wo.sync = false;  // a lost record only loses the receipts' line on the timeline
    return impl_->write(wo, b.batch).ok();
}

bool rocks_store::record_audit(model::audit_entry const& a)
{
    batch_builder b;
    b.put(impl_->cf(family::audit), audit_key(a.at, impl_->next_tiebreak.fetch_add(1)), encode(a));
    if (!b.status.ok())
        return false;
    rocksdb::WriteOptions wo;
    wo.sync = impl_->sync;
    return impl_->write(wo, b.batch).ok();
}

retention_counts rocks_store::forget(retention_cutoffs const& c)
{
    retention_counts out;
    auto const millis = [](model::timestamp t) { return static_cast<std::uint64_t>(model::to_millis(t)); };
    if (c.dedupe_before)
        out.dedupe_keys = impl_->delete_where(family::dedupe, [&](std::string_view, std::string_view v) {
            auto const at = u64_from_key(v);
            return at && *at < millis(*c.dedupe_before);
        });
    if (c.conversations_before) {
        std::vector<std::string> history_prefixes;
        out.conversations = impl_->delete_where(family::conversations, [&](std::string_view, std::string_view v) {
            auto const conv = decode_conversation(v);
            if (!conv || conv->updated_at >= *c.conversations_before)
                return false;
            history_prefixes.push_back(history_prefix(conv->channel_id, conv->chat_id));
            return true;
        });
        std::sort(history_prefixes.begin(), history_prefixes.end());
        out.history_entries = impl_->delete_where(family::history, [&](std::string_view k, std::string_view) {
            auto const after = std::upper_bound(history_prefixes.begin(), history_prefixes.end(), k);
            return after != history_prefixes.begin() && k.starts_with(*std::prev(after));
        });
    }
    if (c.audit_before) {
        auto const end = audit_key(*c.audit_before, 0);
        out.audit_entries =
            impl_->delete_where(family::audit, [&](std::string_view k, std::string_view) { return k < end; });
    }
    return out;
}

// Newest first. A full scan when filtered: the audit is read by a supervisor
// now and then, never on a citizen's path.
std::vector<model::audit_entry> rocks_store::audit(audit_filter const& f)
{
    std::vector<model::audit_entry> out;
    if (f.limit == 0)
        return out;
    impl_->scan(family::audit, {}, true, [&](std::string_view, std::string_view bytes) {
        auto a = decode_audit_entry(bytes);
        if (!a) {
            ++impl_->decode_failures;
            return true;
        }
        if ((f.tracking.empty() || a->tracking == f.tracking) && (f.who.empty() || a->who == f.who))
            out.push_back(std::move(*a));
        return out.size() < f.limit;
    });
    return out;
}

std::optional<model::sent_notice> rocks_store::sent_notice(std::string_view channel_id, std::string_view sent_id)
{
    rocksdb::PinnableSlice v;
    if (!impl_->get(family::citizens, sent_notice_key(channel_id, sent_id), v))
        return std::nullopt;
    auto n = decode_sent_notice(v.ToStringView());
    if (!n)
        ++impl_->decode_failures;
    return n;
}

std::uint64_t rocks_store::outbox_depth()
{
    std::lock_guard lock(impl_->queued_mutex);
    return impl_->queued_seqs.size();
}

bool rocks_store::flush()
{
    return impl_->flush();
}

std::uint64_t rocks_store::decode_failures() const
{
    return impl_->decode_failures.load();
}

std::uint64_t rocks_store::read_errors() const
{
    return impl_->read_errors.load();
}

std::unique_ptr<store> open_rocks_store(rocks_options const& o)
{
    return std::make_unique<rocks_store>(o);
}

}  // namespace pg::storage
