"""Module.summary(): the Keras-style table and its counts."""
import pytest

import nn


def shallow():
    return nn.Sequential(nn.Linear(784, 64), nn.Sigmoid(), nn.Linear(64, 10))


def intermediate():
    return nn.Sequential(nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))


@pytest.mark.parametrize("make, rows, total", [
    (shallow, [784 * 64 + 64, 0, 64 * 10 + 10], 50_890),
    (intermediate, [50_240, 0, 64 * 64 + 64, 0, 650], 55_050),
])
def test_the_course_networks_parameter_counts(make, rows, total):
    summary = make().summary(input_shape=(784,))
    assert [row.params for row in summary.rows] == rows
    assert summary.total_params == summary.trainable_params == total
    assert summary.non_trainable_params == 0


def test_output_shapes_and_the_printed_table():
    summary = shallow().summary(input_shape=(784,))
    assert [row.output_shape for row in summary.rows] == [(None, 64), (None, 64), (None, 10)]
    text = str(summary)
    for line in ("0 (Linear)", "(None, 64)", "50,240", "650", "Total params: 50,890", "Trainable params: 50,890",
                 "Non-trainable params: 0"):
        assert line in text


def test_frozen_parameters_count_as_non_trainable():
    model = shallow()
    model[0].requires_grad_(False)
    summary = model.summary()
    assert (summary.trainable_params, summary.non_trainable_params) == (650, 50_240)


def test_nested_blocks_list_their_layers_and_maxout_stays_one_row():
    model = nn.Sequential(nn.BatchNorm1d(3), nn.Residual(nn.Sequential(nn.Linear(3, 3), nn.ReLU())),
                          nn.Maxout(3, 2, pieces=3))
    summary = model.summary(input_shape=(3,))
    assert [(row.name, row.kind, row.output_shape, row.params) for row in summary.rows] == [
        ("0", "BatchNorm1d", (None, 3), 6), ("1.block.0", "Linear", (None, 3), 12), ("1.block.1", "ReLU", (None, 3), 0),
        ("2", "Maxout", (None, 2), 3 * 6 + 6)]


def test_summary_leaves_the_model_in_its_mode_and_statistics_untouched():
    model = nn.Sequential(nn.Linear(3, 3), nn.BatchNorm1d(3))
    model.train()
    model.summary(input_shape=(3,))
    assert model.training and model[1].training
    assert model[1].num_batches_tracked.item() == 0


def test_summary_prints_its_table_and_returns_it(capsys):
    summary = shallow().summary(input_shape=(784,))
    printed = capsys.readouterr().out
    assert printed == str(summary) + "\n"
    assert "0 (Linear)" in printed and "Total params: 50,890" in printed


def test_summary_without_verbose_prints_nothing_and_its_repr_is_one_line(capsys):
    summary = shallow().summary(verbose=False)
    assert capsys.readouterr().out == ""
    assert repr(summary) == "<Summary of Sequential: 3 layers, 50,890 parameters (50,890 trainable)>"


def test_a_cnn_with_channel_dropout_shows_each_layer():
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.Dropout2d(0.25), nn.ReLU(), nn.Flatten(), nn.Linear(256, 3))
    summary = model.summary(input_shape=(1, 8, 8))
    assert [(row.kind, row.output_shape, row.params) for row in summary.rows] == [
        ("Conv2d", (None, 4, 8, 8), 4 * 9 + 4), ("Dropout2d", (None, 4, 8, 8), 0), ("ReLU", (None, 4, 8, 8), 0),
        ("Flatten", (None, 256), 0), ("Linear", (None, 3), 256 * 3 + 3)]
    assert "1 (Dropout2d)" in str(summary)
