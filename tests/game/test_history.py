"""Match history on a disk that misbehaves: wrong shapes, unreadable files, failed writes."""

from pathlib import Path

from rps.game.history import History, is_match_list

MATCH = {"rounds": 1, "throws": [["rock", "paper"]], "result": "lose"}


def test_only_lists_of_matches_with_throw_pairs_are_history():
    assert is_match_list([]) and is_match_list([MATCH, {"throws": [[None, "rock"]]}])
    for bad in ({}, [1], [{"throws": 5}], [{"throws": [["rock"]]}], [{"throws": [[1, 2]]}]):
        assert not is_match_list(bad), bad


def test_a_wrong_shape_is_moved_aside_and_play_starts_fresh(tmp_path):
    path = tmp_path / "history.json"
    path.write_text('[{"throws": 5}]')
    h = History(path)
    assert h.matches == [] and h.player_throws() == [] and "damaged" in h.warning
    assert h.add(MATCH) is None and len(History(path).matches) == 1


def test_a_folder_named_history_json_is_a_message_and_matches_wait(tmp_path):
    path = tmp_path / "history.json"
    path.mkdir()
    h = History(path)
    assert "unreadable" in h.warning
    problem = h.add(MATCH)
    assert problem and str(path) in problem and len(h.pending) == 1
    path.rmdir()  # the player fixes it: the next save writes the kept match
    assert h.save() is None and h.pending == [] and len(History(path).matches) == 1


def test_damaged_and_cannot_be_moved_aside_is_never_written_over(tmp_path, monkeypatch):
    path = tmp_path / "history.json"
    path.write_text("{ not json")

    def refuse(self, target):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "replace", refuse)
    h = History(path)
    assert "cannot be moved aside" in h.warning
    assert "cannot be moved aside" in h.add(MATCH)
    assert path.read_text() == "{ not json" and len(h.pending) == 1


def test_a_folder_that_cannot_be_written_keeps_the_matches(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    h = History(blocker / "history.json")  # its folder would be under a file: ENOTDIR
    assert "Not a directory" in h.warning  # said at start, before any match is lost
    assert "not saved" in h.add(MATCH) and "2 matches" in h.add(MATCH)
    assert len(h.matches) == 2 and len(h.pending) == 2


def test_both_modes_are_kept_but_only_one_player_throws_are_learned_from(tmp_path):
    path = tmp_path / "history.json"
    solo = {"mode": "one-player", "rounds": 2, "throws": [["paper", "rock"], [None, "rock"]],
            "result": "win"}
    duel = {"mode": "two-player", "rounds": 2, "throws": [["scissors", "paper"],
                                                           ["scissors", "rock"]],
            "score": {"player 1": 1, "player 2": 1}, "result": "player 1"}
    h = History(path)
    for match in (MATCH, solo, duel):  # MATCH: saved before modes existed
        assert h.add(match) is None
    again = History(path)
    assert again.warning is None and is_match_list(again.matches)
    assert [m.get("mode") for m in again.matches] == [None, "one-player", "two-player"]
    assert again.matches[-1]["throws"] == duel["throws"]
    assert again.player_throws() == ["rock", "paper"]
