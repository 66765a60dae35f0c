"""The render's ffmpeg argv, checked as data (no ffmpeg runs here)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from worker import graph
from worker.editlist import Crop, EditList, Output, Segment, Source, Sticker
from worker.graph import Assets, Overlay, Shown


def _edit(**kw: object) -> EditList:
    base: dict[str, object] = dict(
        source=Source(path="/data/rec.mp4", width=1280, height=720, duration=600.0,
                      has_audio=True),
        segments=(Segment(100.0, 104.5, 1.0, "orders x4"),
                  Segment(300.0, 305.0, 0.8, "comment burst", Crop(200, 0, 406, 720))),
        output=Output(width=720, height=1280),
        sticker=Sticker("LIVE Sabtu, 23 Nov · 19.00 WIB"), music="upbeat")
    base.update(kw)
    return EditList(**base)  # type: ignore[arg-type]


ASSETS = Assets(
    sticker=Overlay(Path("/tmp/s.png"), 40, 190, 560, 70),
    captions=Overlay(Path("/tmp/c.png"), 36, 600, 547, 100,
                     timed=(Shown(0, 0.5, 2.0), Shown(100, 3.0, 4.25))),
    arrow=Overlay(Path("/tmp/a.png"), 553, 799, 94, 55, windows=((3.5, None),),
                  timed=(Shown(0, 3.5, 3.6), Shown(56, 3.6)),
                  slide_px=43, slide_s=0.35, bounce_px=22, bounce_hz=1.6),
    music=Path("/cache/upbeat-0123.s16"))
SOUND = Path("/tmp/render/sound.f32")


def _args(edit: EditList, out: Path = Path("/o.mp4")) -> list[str]:
    return graph.build_render_args(edit, ASSETS, out, sound=SOUND)


def _graph(args: list[str]) -> str:
    """All filter graphs of the argv, joined."""
    return ";".join(args[i + 1] for i, a in enumerate(args) if a == "-filter_complex")


def test_output_size_never_upscales_past_the_source() -> None:
    assert graph.output_size(1080, 1920) == (1080, 1920)
    assert graph.output_size(1215, 2160) == (1080, 1920)
    assert graph.output_size(405, 720) == (720, 1280)
    assert graph.output_size(1079, 1918) == (720, 1280)


def test_centre_crop_is_9_16_and_centred() -> None:
    crop = graph.centre_crop(1280, 720)
    assert (crop.w, crop.h) == (404, 720)
    assert crop.x == (1280 - 404) // 2
    portrait = graph.centre_crop(1080, 2400)
    assert portrait.w == 1080 and abs(portrait.h - 1920) <= 2 and portrait.y == 240


def test_each_segment_is_its_own_hardened_input_seeked_on_the_input_side() -> None:
    args = _args(_edit(), Path("/out/t.mp4"))
    inputs = [i for i, a in enumerate(args) if a == "-i"]
    sources = [args[i + 1] for i in inputs if args[i + 1].startswith("file:")]
    assert sources == ["file:/data/rec.mp4", "file:/data/rec.mp4"]
    first = args[: inputs[0]]
    assert first[first.index("-ss") + 1] == "100.000"
    assert "-protocol_whitelist" in first and "-format_whitelist" in first
    assert float(first[first.index("-t") + 1]) >= 4.5


def test_video_is_cropped_scaled_to_output_in_yuv420p_at_30fps() -> None:
    fc = _graph(_args(_edit(), Path("/out/t.mp4")))
    assert "crop=404:720:438:0" in fc  # segment 0: centre crop of the 1280x720 source
    assert "crop=406:720:200:0" in fc  # segment 1: the edit list's crop
    assert fc.count("scale=720:1280") == 2
    assert fc.count("fps=30") == 2 and fc.count("setsar=1") == 2
    assert f"concat=n=2:v=1:a=0,{graph.BT709_TAGS}[vcat]" in fc
    assert "bwdif" not in fc


def test_interlaced_source_is_deinterlaced() -> None:
    edit = _edit(source=Source("/data/rec.mp4", 1920, 1080, 600.0, True, interlaced=True))
    assert "bwdif" in _graph(_args(edit))


def test_blur_fill_letterboxes_the_whole_crop_over_a_blurred_copy() -> None:
    edit = _edit(segments=(Segment(0, 5, 1, "x", Crop(0, 0, 1280, 720, fill="blur")),))
    fc = _graph(_args(edit))
    assert "boxblur" in fc and "split=2[fg0][bg0]" in fc
    assert "scale=720:404" in fc  # the whole 16:9 crop fitted to the width
    assert "overlay=x=0:y=438" in fc


def test_the_render_encodes_the_mixed_sound_and_decodes_no_segment_audio() -> None:
    args = _args(_edit())
    i = args.index(str(SOUND))
    assert args[i - 7:i] == ["-f", "f32le", "-ar", "48000", "-ch_layout", "stereo", "-i"]
    n_inputs = args.count("-i")
    assert args[args.index("-map", args.index("-map") + 1) + 1] == f"{n_inputs - 1}:a"
    fc = _graph(args)
    assert "[0:a]" not in fc and "amix" not in fc and "sidechaincompress" not in fc
    assert "/cache/upbeat-0123.s16" not in args  # the bed was mixed in already
    with pytest.raises(ValueError, match="mixed sound"):
        graph.build_render_args(_edit(), ASSETS, Path("/o.mp4"))


def test_voice_pass_downmixes_each_segment_to_stereo_48k_and_decodes_no_picture() -> None:
    args = graph.build_voice_args(_edit(), Path("/tmp/render/voice.f32"))
    assert args.count("-vn") == 2
    fc = _graph(args)
    assert fc.count("channel_layouts=stereo") == 2 and "sample_rates=48000" in fc
    assert "apad=whole_dur=4.5,atrim=duration=4.5[a0]" in fc
    assert "[a0][a1]concat=n=2:v=0:a=1[out]" in fc
    assert args[-5:] == ["-c:a", "pcm_f32le", "-f", "f32le", "/tmp/render/voice.f32"]


def test_source_without_sound_gets_silence_of_each_segment_length() -> None:
    edit = _edit(source=Source("/data/rec.mp4", 1280, 720, 600.0, has_audio=False))
    fc = _graph(graph.build_voice_args(edit, Path("/tmp/v.f32")))
    assert "anullsrc=r=48000:cl=stereo,atrim=duration=4.5[a0]" in fc
    assert "anullsrc=r=48000:cl=stereo,atrim=duration=5[a1]" in fc
    assert "[0:a]" not in fc


def test_overlays_are_our_images_at_numbers_and_the_arrow_slides_in_then_bounces() -> None:
    args = _args(_edit())
    assert "/tmp/s.png" in args
    # each overlay is one still PNG input (a timed one: its sheet), read once
    for still in ("/tmp/s.png", "/tmp/c.png", "/tmp/a.png"):
        i = args.index(still)
        assert args[i - 3:i] == ["-threads", "1", "-i"]
    assert "concat" not in " ".join(a for a in args if a.startswith("-f"))
    fc = _graph(args)
    # a sheet of a few images is cut into them (slots of even size), each laid on while
    # it shows
    assert "crop=548:100:0:0[" in fc and "crop=548:100:0:100[" in fc
    assert "crop=94:56:0:0[" in fc and "crop=94:56:0:56[" in fc
    assert "overlay=x=40:y=190:format=yuv420:eof_action=repeat:eval=init" in fc
    # eased slide from 43 px to the left over 0.35 s, then a bounce starting at rest
    assert ("overlay=x='553-43*pow(1-clip((t-3.5)/0.35,0,1),3)"
            "-22*abs(sin(PI*1.6*max(0,(t-3.5)-0.35)))':y=799:format=yuv420") in fc
    assert "enable='(between(t,3.499,3.599))*(between(t,3.5,1000000))'" in fc
    assert "enable='(between(t,3.599,1000000))*(between(t,3.5,1000000))'" in fc
    assert "enable='(between(t,0.499,1.999))'" in fc
    assert "enable='(between(t,2.999,4.249))'" in fc
    assert "Sabtu" not in " ".join(args)  # sticker text never enters the argv


def test_many_timed_images_are_one_overlay_moving_a_laid_out_sheet() -> None:
    # word-timed captions: 12 images, an overlay each would be 12 overlays and 12 crops
    words = tuple(Shown(100 * k, 0.5 + 0.4 * k, 0.9 + 0.4 * k) for k in range(12))
    captions = Overlay(Path("/tmp/c.png"), 36, 600, 547, 100, timed=words)
    fc = _graph(graph.build_render_args(_edit(), replace(ASSETS, captions=captions),
                                        Path("/o.mp4"), sound=SOUND))
    # laid side by side more than the picture's width (720) apart, moved a stride per
    # image, so only the one showing is on the picture, and on only while one shows
    assert "[3:v]format=yuva420p,untile=1x12,pad=1268:100:0:0:color=black@0,tile=12x1[" in fc
    assert ("overlay=x='36-1268*(1*between(t,0.899,1.299)+2*between(t,1.299,1.699)"
            in fc)
    assert "enable='(between(t,0.499,0.899)+between(t,0.899,1.299)+" in fc
    assert fc.count("crop=548:100") == 0


def test_the_poster_is_taken_under_the_card_not_the_captions_and_the_arrow() -> None:
    fc = _graph(graph.build_poster_args(_edit(), ASSETS, Path("/p.jpg")))
    assert "[1:v]overlay=x=40:y=190" in fc  # the card is on it
    poster = graph.build_poster_args(_edit(), ASSETS, Path("/p.jpg"))
    assert "/tmp/c.png" not in poster and "/tmp/a.png" not in poster


def test_a_card_moving_clear_of_faces_changes_place_at_the_cuts() -> None:
    moving = Assets(sticker=Overlay(Path("/tmp/s.png"), 40, 190, 560, 70,
                                    y_steps=((0.0, 190), (4.5, 500))))
    fc = _graph(graph.build_render_args(_edit(), moving, Path("/o.mp4"), sound=SOUND))
    assert "overlay=x=40:y='if(lt(t,4.5),190,500)':format=yuv420:eof_action=repeat[" in fc


def test_output_is_h264_aac_faststart_bounded_by_t() -> None:
    args = _args(_edit())
    joined = " ".join(args)
    for part in ("-c:v libx264", "-preset ultrafast", "-pix_fmt yuv420p", "-c:a aac",
                 "-ar 48000", "-ac 2", "-movflags +faststart", "-t 9.5"):
        assert part in joined
    assert args[-1] == "/o.mp4"


def test_teaser_and_floor_are_high_profile_tagged_bt709_with_the_same_encoder() -> None:
    def encoder(args: list[str]) -> list[str]:
        return args[args.index("-c:v"):args.index("-fps_mode")]

    full = _args(_edit())
    floor = graph.build_render_args(_edit(), ASSETS, Path("/o.mp4"), bare=True)
    assert encoder(full) == encoder(floor)  # the floor measures the same encode
    joined = " ".join(encoder(full))
    for part in ("-profile:v high", "8x8dct=1", "-color_primaries bt709",
                 "-color_trc bt709", "-colorspace bt709", "-color_range tv"):
        assert part in joined


def test_poster_is_one_frame_of_the_teaser_at_poster_time() -> None:
    # 1.5 s into the teaser: 1.5 s into its first moment (source 100 s), with the
    # overlays at their 1.5 s
    args = graph.build_poster_args(_edit(poster_at=1.5), ASSETS, Path("/p.jpg"))
    assert args[args.index("-ss") + 1] == "101.500"
    assert "setpts=PTS+1.5/TB" in _graph(args)
    assert args[args.index("-frames:v") + 1] == "1" and args[-1] == "/p.jpg"
    # 6 s in: 1.5 s into the second moment (the first is 4.5 s), framed as it is
    later = graph.build_poster_args(_edit(poster_at=6.0), ASSETS, Path("/p.jpg"))
    assert later[later.index("-ss") + 1] == "301.500"
    assert "crop=406:720:200:0" in _graph(later)


def test_the_render_does_not_wait_for_the_poster() -> None:
    # A poster frame late in the teaser, taken in the render's own graph, held the
    # teaser's frames back until it came: 2.3 GB at 1080x1920, past the memory limit.
    args = _args(_edit(poster_at=8.0))
    assert "split=2[vpre]" not in _graph(args) and "mjpeg" not in args


def test_poster_frame_stays_inside_the_teaser() -> None:
    assert graph.poster_frame(_edit(poster_at=99.0)) == round(9.5 * 30) - 1
    assert graph.poster_frame(_edit(poster_at=-1.0)) == 0


def test_bare_floor_has_no_overlays_or_mix() -> None:
    args = graph.build_render_args(_edit(), ASSETS, Path("/o.mp4"), bare=True)
    fc = _graph(args)
    assert "overlay" not in fc and "[0:a]" in fc  # the segments' own sound
    assert "/tmp/s.png" not in args and "/cache/upbeat-0123.s16" not in args


def test_segment_durations_snap_to_whole_frames() -> None:
    edit = _edit(segments=(Segment(0, 1.01, 1, "x"),))
    assert graph.teaser_duration(edit) == pytest.approx(30 / 30)
    assert graph.frame_duration(4.52, 30) == pytest.approx(136 / 30)


def test_audio_is_vbr_unless_an_older_edit_list_fixed_a_bit_rate() -> None:
    args = _args(_edit())
    assert args[args.index("-q:a") + 1] == "2" and "-b:a" not in args
    old = EditList.from_json({**_edit().to_json(),
                              "output": {"width": 720, "height": 1280, "audio_bitrate": "128k"}})
    args = _args(old)
    assert args[args.index("-b:a") + 1] == "128k" and "-q:a" not in args


def test_voice_is_decoded_in_two_halves_of_about_equal_length() -> None:
    from worker.render import _halfway

    segs = [Segment(0.0, d, 1.0, "x") for d in (6.0, 6.0, 20.0, 8.0)]
    assert _halfway(segs) == 2  # 12 s | 28 s beats 32 s | 8 s
    assert _halfway(segs[:1]) == 1  # one segment: one pass
    assert _halfway([Segment(0.0, 10.0, 1.0, "x")] * 4) == 2


def test_the_source_frame_rate_is_kept_when_it_is_24_25_or_30() -> None:
    kept = {23.976: 24, 24: 24, 25: 25, 29.97: 30, 30: 30, 50: 25, 59.94: 30, 48: 24}
    for source, out in kept.items():
        assert graph.output_fps(source) == out, source
    for other in (15, 20, 12.5, 27, 90):
        assert graph.output_fps(other) == 30, other


def test_non_square_pixels_are_made_square_before_the_crop() -> None:
    edit = _edit(source=Source("/data/rec.mp4", 192, 144, 60.0, True, sar=12 / 11),
                 segments=(Segment(0, 5, 1, "x", Crop(0, 0, 192, 144, fill="blur")),))
    fc = _graph(_args(edit))
    assert "fps=30,trim" in fc and "scale=192:144,setsar=1,fps=30" in fc
    assert "lutyuv=y=val*0.55" in fc  # the blur fill is darkened
    assert "scale=192" not in _graph(_args(_edit()))  # square pixels: nothing added


def test_a_remux_copies_the_picture_packets_and_encodes_the_sound_as_the_render_does() -> None:
    edit = EditList(source=Source("/in.mp4", 1280, 720, 100.0, True),
                    segments=(Segment(1.0, 6.0, 1.0, "r"),), output=Output(720, 1280))
    args = graph.build_remux_args(edit, Path("/old/r1.mp4"), Path("/tmp/s.f32"),
                                  Path("/new/r2.mp4"))
    assert args[:2] == ["-i", "/old/r1.mp4"]
    assert args[args.index("-c:v") + 1] == "copy" and "libx264" not in args
    assert args[args.index("-map"):args.index("-map") + 2] == ["-map", "0:v:0"]
    render = graph.build_render_args(edit, Assets(), Path("o.mp4"), sound=Path("/tmp/s.f32"))
    at = render.index("-c:a")
    assert args[args.index("-c:a"):args.index("-c:a") + 12] == render[at:at + 12]
    assert "+faststart" in args and args[-1] == "/new/r2.mp4"
