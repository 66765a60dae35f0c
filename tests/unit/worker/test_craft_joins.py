"""Joins of one shot: a letterboxed cut of the same shot crossfades in (it is never
cropped tighter), a new shot is cut to; the graph lays the crossfade over frames the
segment before runs on, so every segment starts where it would with cuts."""

from __future__ import annotations

from pathlib import Path

from worker import graph, reframe
from worker.editlist import Crop, EditList, Output, Segment, Source

WHOLE = Crop(0, 0, 1280, 544, fill="blur")


def test_letterboxed_cuts_of_one_shot_crossfade_and_a_new_shot_is_a_cut() -> None:
    segs = [Segment(2, 10, 1, "a", WHOLE), Segment(14, 22, 1, "b", WHOLE),
            Segment(40, 48, 1, "c", WHOLE)]
    out = reframe.punch_in(segs, shot_changes=[30.0], src_w=1280, src_h=544)
    assert [s.join for s in out] == ["cut", "fade", "cut"]
    assert [s.crop for s in out] == [WHOLE] * 3  # the whole picture stays in view
    # a cropped take punches in instead (no crossfade)
    crop = Crop(438, 0, 404, 720)
    cropped = reframe.punch_in([Segment(0, 8, 1, "a", crop), Segment(20, 28, 1, "b", crop)],
                               [], 1280, 720)
    assert [s.join for s in cropped] == ["cut", "cut"] and cropped[1].crop != crop


def _edit(joins: list[str]) -> EditList:
    segs = tuple(Segment(10.0 * i, 10.0 * i + 5, 1, "x", WHOLE, join=j)
                 for i, j in enumerate(joins))
    return EditList(source=Source("/media/uploads/x.mp4", 1280, 544, 60.0, True),
                    segments=segs, output=Output(720, 1280, fps=30))


def test_the_crossfade_runs_over_the_frames_the_cut_before_runs_on() -> None:
    edit = _edit(["cut", "fade", "cut", "fade"])
    args = graph.build_render_args(edit, graph.Assets(), Path("/tmp/o.mp4"),
                                   sound=Path("/tmp/s.f32"))
    graph_text = next(a for a in args if "[v0]" in a)
    run_on = graph.XFADE_FRAMES / 30
    # the 4 frames segment 0 runs on, blended into segment 1's first 4, laid where those
    # were: segment 1 starts at 5 s as with cuts
    assert "[v0]split=2[m0s][t0s]" in graph_text
    assert "[t0s]trim=start_frame=150:end_frame=154,setpts=PTS-STARTPTS[t0]" in graph_text
    assert "[h1s]trim=start_frame=0:end_frame=4,setpts=PTS-STARTPTS[h1]" in graph_text
    assert "[m1s]trim=start_frame=4:end_frame=150,setpts=PTS-STARTPTS[m1]" in graph_text
    assert "[t0][h1]xfade=transition=fade:duration=0.133333:offset=0," in graph_text
    assert "[m0][b1][m1][v2]" not in graph_text  # segment 2 runs on into segment 3
    assert "[m0][b1][m1][m2][b3][m3]concat=n=6:v=1:a=0," in graph_text
    # the segments before a crossfade keep its frames: decoded and trimmed that much longer
    assert f"trim=duration={graph._num(5 + run_on)}" in graph_text
    seeks = [float(args[i + 1]) for i, a in enumerate(args) if a == "-t"]
    assert abs(seeks[0] - seeks[1] - run_on) < 1e-3 and seeks[1] == seeks[3]
    assert seeks[-1] == 20  # the output's bound: as long as with cuts
    # the bare floor cuts every join: the crossfade is part of what a render adds
    bare = graph.build_render_args(edit, graph.Assets(), Path("/tmp/o.mp4"), bare=True)
    assert not any("xfade" in a for a in bare)
    # all cuts: the concat of before
    plain = graph.build_render_args(_edit(["cut", "cut"]), graph.Assets(), Path("/tmp/o.mp4"),
                                    sound=Path("/tmp/s.f32"))
    assert not any("xfade" in a or "tpad" in a for a in plain)
