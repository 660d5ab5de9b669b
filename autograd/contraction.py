"""`einsum`: Einstein summation as a composition of diagonal, sum, permute, reshape and matmul, so
its gradients of every order come from those ops.

Each operand first loses its repeated labels (diagonals) and the labels no other operand or the
output needs (sums); then operands are contracted left to right, each pair as one batched matmul
(shared labels still needed later are the batch, the other shared ones are summed over).
"""
import math
import string

from . import api
from .indexing import diagonal

LETTERS = set(string.ascii_letters)


def einsum(equation, *operands):
    """Sum of products of `operands` over the labels of `equation` that its output omits, as
    `torch.einsum`: "ij,jk->ik" is a matrix product, "ii->i" a diagonal, "...ij->...ji" a batched
    transpose. Without "->" the output is the labels used once, in alphabetical order. Sizes of a
    label broadcast where one of them is 1.

    >>> import autograd as ag
    >>> ag.einsum("ij,j->i", ag.ones(2, 3), ag.tensor([1.0, 2.0, 3.0])).tolist()
    [6.0, 6.0]
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    operands = [api.ensure_tensor(x) for x in operands]
    terms, output = _parse(equation.replace(" ", ""), operands)
    operands = [_own_labels(x, term) for x, term in zip(operands, terms)]
    sizes = _label_sizes(operands, equation)
    operands = [_sum_unused(x, labels, output, operands, number) for number, (x, labels) in enumerate(operands)]
    result, labels = operands[0]
    for number, (x, other_labels) in enumerate(operands[1:], start=1):
        later = set(output).union(*(set(other) for _, other in operands[number + 1:]))
        result, labels = _contract(result, labels, x, other_labels, later, sizes)
    for label in output:
        if label not in labels:  # only on a size-1 broadcast dim, or in no operand's surviving dims
            raise ValueError(f"einsum: output label {label!r} of {equation!r} is in no operand")
    return api.permute(result, *[labels.index(label) for label in output])


def _parse(equation, operands):
    """Each operand's labels (ellipsis dims as the numbers 0, 1, ... counted from the right end of
    the broadcast ellipsis) and the output's labels."""
    inputs, arrow, output = equation.partition("->")
    terms = inputs.split(",")
    if len(terms) != len(operands):
        raise ValueError(f"einsum: {equation!r} names {len(terms)} operands, {len(operands)} were given")
    labels = [_term_labels(term, x, equation) for term, x in zip(terms, operands)]
    ellipsis = list(range(max((sum(isinstance(n, int) for n in term) for term in labels), default=0) - 1, -1, -1))
    if not arrow:  # implicit: the ellipsis, then the letters used once, in alphabetical order
        used = [label for term in labels for label in term if isinstance(label, str)]
        return labels, ellipsis + sorted(label for label in set(used) if used.count(label) == 1)
    named = output.replace("...", "")
    if set(named) - LETTERS or len(set(named)) != len(named) or output.count("...") > 1:
        raise ValueError(f"einsum: output {output!r} of {equation!r} must be distinct letters and one '...'")
    before, dots, after = output.partition("...")
    return labels, list(before) + (ellipsis if dots else []) + list(after)


def _term_labels(term, x, equation):
    """The labels of one operand's term, its ellipsis spread over the dims the letters leave."""
    named = term.replace("...", "")
    if set(named) - LETTERS or term.count("...") > 1:
        raise ValueError(f"einsum: {term!r} in {equation!r} must be letters with at most one '...'")
    spread = x.ndim - len(named)
    if spread < 0 or spread and "..." not in term:
        raise ValueError(f"einsum: {term!r} in {equation!r} does not fit an operand of shape {x.shape}")
    before, _, after = term.partition("...")
    return list(before) + list(range(spread - 1, -1, -1)) + list(after)


def _own_labels(x, labels):
    """x with its repeated labels turned into one diagonal dim each: (x, labels)."""
    labels = list(labels)
    for label in dict.fromkeys(labels):
        while labels.count(label) > 1:
            first = labels.index(label)
            second = labels.index(label, first + 1)
            if x.shape[first] != x.shape[second]:
                raise ValueError(f"einsum: label {label!r} repeats over dims of sizes {x.shape[first]} and "
                                 f"{x.shape[second]}")
            x = diagonal(x, 0, first, second)
            labels = [n for i, n in enumerate(labels) if i not in (first, second)] + [label]
    return x, labels


def _label_sizes(operands, equation):
    sizes = {}
    for x, labels in operands:
        for label, size in zip(labels, x.shape):
            known = sizes.get(label, 1)
            if size != known and 1 not in (size, known):
                raise ValueError(f"einsum: label {label!r} of {equation!r} has sizes {known} and {size}")
            sizes[label] = max(size, known) if size and known else 0
    return sizes


def _sum_unused(x, labels, output, operands, number):
    """x summed over the labels only it has and the output omits: (x, labels)."""
    elsewhere = set(output).union(*(set(other) for i, (_, other) in enumerate(operands) if i != number))
    unused = [i for i, label in enumerate(labels) if label not in elsewhere]
    if not unused:
        return x, labels
    return api.sum(x, tuple(unused)), [label for i, label in enumerate(labels) if i not in unused]


def _contract(a, a_labels, b, b_labels, later, sizes):
    """a and b multiplied and summed over their shared labels that `later` does not need, as one
    batched matmul: (result, its labels)."""
    batch = [label for label in a_labels if label in b_labels and label in later]
    summed = [label for label in a_labels if label in b_labels and label not in later]
    a_only = [label for label in a_labels if label not in b_labels]
    b_only = [label for label in b_labels if label not in a_labels]
    a = _arranged(a, a_labels, batch, a_only, summed, sizes)
    b = _arranged(b, b_labels, batch, summed, b_only, sizes)
    product = api.matmul(a, b)
    shape = tuple(sizes[label] for label in batch + a_only + b_only)
    return api.reshape(product, shape), batch + a_only + b_only


def _arranged(x, labels, batch, rows, cols, sizes):
    """x as a (batch, rows, cols) stack of matrices over those groups of labels; its dims of size 1
    broadcast to the label's size."""
    order = batch + rows + cols
    x = api.permute(x, *[labels.index(label) for label in order])
    full = tuple(sizes[label] for label in order)
    if x.shape != full:
        x = api.broadcast_to(x, full)
    return api.reshape(x, tuple(math.prod(sizes[label] for label in group) for group in (batch, rows, cols)))
