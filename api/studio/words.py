"""The studio's own words, Indonesian first (the seller's language by default), English
too. Messages that come from the API (rule violations, sticker and schedule texts) are
shown as the API words them; readiness gaps, tips and actions are worded here by their
stable code."""

from __future__ import annotations

LANGS = ("id", "en")

WORDS: dict[str, dict[str, str]] = {
    "studio": {"id": "Studio cuplik", "en": "cuplik studio"},
    "overview": {"id": "Ringkasan", "en": "Overview"},
    "plans": {"id": "Rencana LIVE", "en": "LIVE plans"},
    "teasers": {"id": "Teaser", "en": "Teasers"},
    "footage": {"id": "Video unggahan", "en": "Footage"},
    "hub": {"id": "Hub Inspirasi", "en": "Inspiration Hub"},
    "ops": {"id": "Ops", "en": "Ops"},
    "sign_in": {"id": "Masuk", "en": "Sign in"},
    "sign_out": {"id": "Keluar", "en": "Sign out"},
    "api_key": {"id": "Kunci API", "en": "API key"},
    "sign_in_hint": {"id": "Masukkan kunci API toko Anda sekali; studio mengingat Anda "
                             "lewat cookie sesi.",
                     "en": "Enter your shop's API key once; the studio remembers you with "
                           "a session cookie."},
    "bad_key": {"id": "Kunci API ini tidak valid atau sudah dicabut.",
                "en": "This API key is not valid or was revoked."},
    "csrf": {"id": "Formulir ini kedaluwarsa. Muat ulang halaman lalu coba lagi.",
             "en": "This form expired. Reload the page and try again."},
    "language": {"id": "Bahasa", "en": "Language"},
    "last_7_days": {"id": "7 hari terakhir", "en": "Last 7 days"},
    "custom": {"id": "Rentang khusus", "en": "Custom range"},
    "from": {"id": "Dari", "en": "From"},
    "to": {"id": "Sampai", "en": "To"},
    "show": {"id": "Tampilkan", "en": "Show"},
    "vs_previous": {"id": "vs periode sebelumnya", "en": "vs previous period"},
    "no_data": {"id": "tidak ada data", "en": "no data"},
    "sessions": {"id": "Sesi LIVE", "en": "LIVE sessions"},
    "gmv": {"id": "GMV", "en": "GMV"},
    "orders": {"id": "Pesanan", "en": "Orders"},
    "views": {"id": "Tayangan", "en": "Views"},
    "gpm": {"id": "GPM", "en": "GPM"},
    "enter_room_rate": {"id": "Tingkat masuk ruang", "en": "Enter-room rate"},
    "conversion_rate": {"id": "Tingkat konversi", "en": "Conversion rate"},
    "interaction_rate": {"id": "Tingkat interaksi", "en": "Interaction rate"},
    "click_to_order_rate": {"id": "Klik ke pesanan", "en": "Click-to-order rate"},
    "actions": {"id": "Tindakan yang disarankan", "en": "Recommended actions"},
    "no_actions": {"id": "Tidak ada yang perlu dilakukan sekarang.",
                   "en": "Nothing to do right now."},
    "active_plans": {"id": "Rencana aktif", "en": "Active plans"},
    "completed_plans": {"id": "Rencana selesai", "en": "Completed plans"},
    "none_yet": {"id": "Belum ada.", "en": "None yet."},
    "new_plan": {"id": "Buat rencana", "en": "New plan"},
    "title": {"id": "Judul", "en": "Title"},
    "description": {"id": "Deskripsi", "en": "Description"},
    "start": {"id": "Mulai", "en": "Start"},
    "time_zone": {"id": "Zona waktu", "en": "Time zone"},
    "duration_minutes": {"id": "Durasi (menit)", "en": "Duration (minutes)"},
    "products": {"id": "Produk unggulan (1–150)", "en": "Featured products (1–150)"},
    "search_products": {"id": "Cari produk", "en": "Search products"},
    "promotion_tools": {"id": "Alat promosi", "en": "Promotion tools"},
    "auto_teasers": {"id": "Buat teaser otomatis (1 hari dan 1 jam sebelum)",
                     "en": "Make teasers automatically (1 day and 1 hour before)"},
    "create": {"id": "Buat", "en": "Create"},
    "save": {"id": "Simpan", "en": "Save"},
    "delete": {"id": "Hapus", "en": "Delete"},
    "delete_plan": {"id": "Hapus rencana", "en": "Delete plan"},
    "plan_deleted": {"id": "Rencana dihapus.", "en": "Plan deleted."},
    "locked": {"id": "Judul, deskripsi, waktu mulai dan durasi tidak bisa diubah setelah "
                       "rencana dibuat. Untuk menjadwal ulang, hapus rencana ini lalu buat "
                       "yang baru.",
               "en": "Title, description, start and duration cannot change after the plan "
                     "is created. To reschedule, delete this plan and create a new one."},
    "readiness": {"id": "Kesiapan", "en": "Readiness"},
    "ready": {"id": "Siap", "en": "Ready"},
    "not_ready": {"id": "Belum siap", "en": "Not ready"},
    "tips": {"id": "Tips", "en": "Tips"},
    "teaser_slots": {"id": "Jadwal teaser", "en": "Teaser slots"},
    "post_at": {"id": "Posting", "en": "Post"},
    "passed": {"id": "waktunya sudah lewat", "en": "this time has passed"},
    "sticker": {"id": "Stiker", "en": "Sticker"},
    "status": {"id": "Status", "en": "Status"},
    "saved": {"id": "Tersimpan.", "en": "Saved."},
    "new_teaser": {"id": "Minta teaser", "en": "Ask for a teaser"},
    "from_session": {"id": "Dari sesi LIVE sebelumnya", "en": "From a past LIVE session"},
    "from_footage": {"id": "Dari video unggahan", "en": "From uploaded footage"},
    "sort_by": {"id": "Urutkan", "en": "Sort by"},
    "plan_optional": {"id": "Rencana (memberi stiker waktu LIVE)",
                      "en": "Plan (gives the LIVE time sticker)"},
    "no_plan": {"id": "Tanpa rencana", "en": "No plan"},
    "slot": {"id": "Slot", "en": "Slot"},
    "day_before": {"id": "1 hari sebelum", "en": "1 day before"},
    "hour_before": {"id": "1 jam sebelum", "en": "1 hour before"},
    "music": {"id": "Musik", "en": "Music"},
    "sticker_lang": {"id": "Bahasa stiker", "en": "Sticker language"},
    "make": {"id": "Buat teaser", "en": "Make teaser"},
    "progress": {"id": "Progres", "en": "Progress"},
    "eta": {"id": "perkiraan sisa", "en": "about"},
    "seconds_left": {"id": "detik", "en": "s left"},
    "player_overlay": {"id": "Tampilkan antarmuka pemutar video pendek",
                       "en": "Show the short-video player's interface"},
    "moments": {"id": "Momen terpilih", "en": "Chosen moments"},
    "signals": {"id": "Sinyal sesi", "en": "Session signals"},
    "poster": {"id": "Poster", "en": "Poster"},
    "download": {"id": "Unduh", "en": "Download"},
    "post": {"id": "Posting", "en": "Post"},
    "caption": {"id": "Keterangan", "en": "Caption"},
    "who_can_view": {"id": "Siapa yang bisa menonton", "en": "Who can view"},
    "everyone": {"id": "Semua orang", "en": "Everyone"},
    "friends": {"id": "Teman", "en": "Friends"},
    "only_me": {"id": "Hanya saya", "en": "Only me"},
    "allow_comments": {"id": "Izinkan komentar", "en": "Allow comments"},
    "allow_duet": {"id": "Izinkan duet", "en": "Allow duet"},
    "allow_stitch": {"id": "Izinkan stitch", "en": "Allow stitch"},
    "posted_at": {"id": "Waktu posting", "en": "Posting time"},
    "upload": {"id": "Unggah video", "en": "Upload footage"},
    "drop_here": {"id": "Tarik file video ke sini, atau pilih file",
                  "en": "Drop a video file here, or choose a file"},
    "uploading": {"id": "Mengunggah", "en": "Uploading"},
    "rejected": {"id": "Ditolak", "en": "Rejected"},
    "category": {"id": "Kategori L1", "en": "L1 category"},
    "all": {"id": "Semua", "en": "All"},
    "username": {"id": "Nama pengguna", "en": "Username"},
    "period": {"id": "Periode", "en": "Period"},
    "search": {"id": "Cari", "en": "Search"},
    "estimate": {"id": "perkiraan", "en": "estimate"},
    "highlights": {"id": "3 sorotan utama", "en": "3 key highlights"},
    "unknown": {"id": "tidak diketahui", "en": "unknown"},
    "potential_products": {"id": "Produk potensial", "en": "Potential products"},
    "clips": {"id": "Klip", "en": "Clips"},
    "privacy": {"id": "Tampilkan metrik dan rekaman LIVE saya di Hub",
                "en": "Show my LIVE metrics and recordings in the Hub"},
    "privacy_hint": {"id": "Jika dimatikan, sesi Anda keluar dari Hub dalam 24 jam dan Anda "
                             "juga tidak bisa melihat daftar LIVE di Hub. Video pendek tetap "
                             "bisa dilihat.",
                     "en": "When off, your sessions leave the Hub within 24 hours and you "
                           "cannot browse the Hub's LIVE list either. Short videos stay "
                           "browsable."},
    "queues": {"id": "Antrean", "en": "Queues"},
    "failures": {"id": "Kegagalan terakhir", "en": "Recent failures"},
    "queue": {"id": "Antrean", "en": "Queue"},
    "waiting_jobs": {"id": "Tugas menunggu", "en": "Jobs waiting"},
    "running_jobs": {"id": "Sedang berjalan", "en": "Running"},
    "oldest_waiting": {"id": "Menunggu paling lama", "en": "Oldest waiting"},
    "failed_jobs": {"id": "Gagal", "en": "Failed"},
    "workers": {"id": "Worker", "en": "Workers"},
    "worker": {"id": "Worker", "en": "Worker"},
    "current_job": {"id": "Tugas sekarang", "en": "Current job"},
    "heartbeat": {"id": "Detak terakhir", "en": "Last heartbeat"},
    "redis_down": {"id": "Redis tidak menjawab: kedalaman antrean tidak diketahui.",
                   "en": "Redis does not answer: queue depths unknown."},
    "teasers_by_status": {"id": "Teaser per status", "en": "Teasers by status"},
    "batches": {"id": "Batch regenerasi", "en": "Regeneration batches"},
    "batch": {"id": "Batch", "en": "Batch"},
    "template": {"id": "Template", "en": "Template"},
    "count_queued": {"id": "Antre", "en": "Queued"},
    "count_running": {"id": "Berjalan", "en": "Running"},
    "count_done": {"id": "Selesai", "en": "Done"},
    "count_failed": {"id": "Gagal", "en": "Failed"},
    "count_superseded": {"id": "Digantikan", "en": "Superseded"},
    "cancelled": {"id": "dibatalkan", "en": "cancelled"},
    "none": {"id": "tidak ada", "en": "none"},
    "back": {"id": "Kembali", "en": "Back"},
    "who": {"id": "Siapa", "en": "Who"},
    "when": {"id": "Kapan", "en": "When"},
    "viewers": {"id": "Penonton", "en": "Viewers"},
    "not_found": {"id": "Tidak ditemukan.", "en": "Not found."},
    "error": {"id": "Terjadi kesalahan", "en": "Something went wrong"},
    "steer": {"id": "Atur teaser", "en": "Steer the teaser"},
    "steer_hint": {"id": "Geser titik potong, ganti momen dengan kandidat lain dari "
                           "peringkat, ubah musik atau bahasa stiker, lalu render ulang. Versi "
                           "sekarang tetap diputar sampai versi baru siap.",
                   "en": "Move a cut point, swap a moment for another candidate of the "
                         "ranking, change the music or the sticker language, then render "
                         "again. The current version keeps playing until the new one is "
                         "ready."},
    "rules": {"id": "tiap momen minimal %d dtk, 1–%d momen, total %d–%d dtk, dalam rekaman "
                    "%s dtk",
              "en": "each moment at least %d s, 1–%d moments, %d–%d s in all, inside the "
                    "%s s recording"},
    "moment": {"id": "Momen", "en": "Moment"},
    "cut_start": {"id": "Mulai", "en": "Starts at"},
    "cut_end": {"id": "Selesai", "en": "Ends at"},
    "swap_with": {"id": "Ganti dengan kandidat", "en": "Swap for a candidate"},
    "keep_moment": {"id": "— pertahankan momen ini —", "en": "— keep this moment —"},
    "candidates": {"id": "Kandidat lain dari peringkat", "en": "Other candidates of the ranking"},
    "no_candidates": {"id": "Peringkat tidak menawarkan momen lain untuk rekaman ini.",
                      "en": "The ranking offers no other moment of this recording."},
    "rerender": {"id": "Render ulang", "en": "Render again"},
    "rerender_queued": {"id": "Render ulang diantrekan; versi sekarang tetap diputar sampai "
                                "versi baru siap.",
                        "en": "Re-render queued; the current version plays until the new "
                              "one is ready."},
    "nothing_changed": {"id": "Tidak ada yang berubah.", "en": "Nothing changed."},
    "fix_fields": {"id": "Periksa isian yang ditandai", "en": "Check the marked fields"},
}

# Readiness gaps, tips and actions by their stable codes (the API's English words stay
# in its answers for integrating teams).
CODES: dict[str, dict[str, str]] = {
    "add_products": {"id": "Tambahkan minimal 2 produk.", "en": "Add at least 2 products."},
    "add_promotion_tool": {"id": "Tambahkan minimal 1 alat promosi.",
                           "en": "Add at least 1 promotion tool."},
    "add_teasers": {"id": "Tambahkan minimal 1 video teaser.",
                    "en": "Add at least 1 teaser video."},
    "longer_session": {"id": "Rencanakan sesi lebih dari 60 menit di luar jam sibuk siang, "
                               "dan hindari bentrok dengan pesaing langsung.",
                       "en": "Plan a session longer than 60 minutes outside the busy daytime "
                             "hours, and avoid clashing with direct competitors."},
    "start_on_time": {"id": "Mulailah tepat waktu: terlambat tidak dikenai penalti, tetapi "
                              "penonton mungkin tidak menunggu.",
                      "en": "Start on time: starting late has no platform penalty, but "
                            "viewers may not wait."},
}

STATUS: dict[str, dict[str, str]] = {
    "queued": {"id": "dalam antrean", "en": "queued"},
    "rendering": {"id": "sedang dibuat", "en": "rendering"},
    "ready": {"id": "siap", "en": "ready"},
    "failed": {"id": "gagal", "en": "failed"},
    "uploaded": {"id": "terunggah", "en": "uploaded"},
    "ingesting": {"id": "diproses", "en": "processing"},
    "rejected": {"id": "ditolak", "en": "rejected"},
    "upcoming": {"id": "akan datang", "en": "upcoming"},
    "live": {"id": "sedang LIVE", "en": "live now"},
    "completed": {"id": "selesai", "en": "completed"},
    # the render's stages (worker/pipeline.py)
    "probe": {"id": "memeriksa video", "en": "checking the video"},
    "analyse": {"id": "menganalisis gambar dan suara", "en": "analysing picture and sound"},
    "rank": {"id": "memilih momen terbaik", "en": "choosing the best moments"},
    "render": {"id": "membuat video", "en": "rendering"},
    "verify": {"id": "memeriksa hasil", "en": "checking the result"},
    "done": {"id": "selesai", "en": "done"},
}


# The inputs the API's refusals name, by the studio label of their form field.
FIELDS: dict[str, str] = {
    "title": "title", "description": "description", "start": "start",
    "time_zone": "time_zone", "duration_minutes": "duration_minutes",
    "product_ids": "products", "promotion_tool_ids": "promotion_tools",
    "caption": "caption", "preferences": "who_can_view", "visibility": "who_can_view",
    "post_at": "posted_at", "music": "music", "lang": "sticker_lang",
    "session_id": "from_session", "footage_id": "from_footage", "plan_id": "plan_optional",
    "slot": "slot", "from": "from", "to": "to", "period": "period", "category": "category",
    "q": "username", "segments": "moments", "show_in_hub": "privacy", "key": "api_key",
}


def field_label(name: str | None, lang: str) -> str:
    """The label a seller sees for the API field ``name`` (``segments.1.end``: "Momen 2 ·
    Selesai"); the name itself when the studio has no input for it."""
    if not name:
        return ""
    parts = [p for p in name.split(".") if p != "body"]
    if len(parts) == 3 and parts[0] == "segments" and parts[1].isdigit():
        side = word("cut_" + parts[2], lang) if parts[2] in ("start", "end") else parts[2]
        return f"{word('moment', lang)} {int(parts[1]) + 1} · {side}"
    key = FIELDS.get(parts[-1]) or FIELDS.get(parts[0])
    return word(key, lang) if key else name


def word(key: str, lang: str) -> str:
    """The studio's word for ``key`` in ``lang`` (the key itself when unknown)."""
    entry = WORDS.get(key) or CODES.get(key) or STATUS.get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry["en"]


def coded(code: str, lang: str, fallback: str) -> str:
    """A readiness gap, tip or state by its code; the API's own words when the studio
    has none for that code."""
    entry = CODES.get(code) or STATUS.get(code)
    return (entry.get(lang) or fallback) if entry else fallback
