"""Matrix multiplication: vectors, matrices and batches, with numpy's broadcasting of batch dims."""

from ..function import Function
from .elementwise import promote


class Matmul(Function):
    def forward(self, a, b):
        if a.ndim == 0 or b.ndim == 0:
            raise ValueError(f"matmul needs at least 1-d operands, got shapes {a.shape} and {b.shape}")
        inner_a, inner_b = a.shape[-1], b.shape[0] if b.ndim == 1 else b.shape[-2]
        if inner_a != inner_b:
            raise ValueError(f"matmul: shapes {a.shape} and {b.shape} do not line up ({inner_a} != {inner_b})")
        a, b = promote(a, b)
        try:
            return a @ b
        except ValueError:
            raise ValueError(f"matmul: batch dimensions of {a.shape} and {b.shape} do not broadcast") from None

    def backward(self, xp, grad, a, b):
        # Treat vectors as a row (a) or a column (b) matrix, then drop the added axis again.
        if b.ndim == 1:
            b = xp.reshape(b, (-1, 1))
            grad = grad[..., None]
        if a.ndim == 1:
            a = xp.reshape(a, (1, -1))
            grad = grad[..., None, :]
        grad_a = grad_b = None
        if self.needs(0):
            grad_a = xp.matmul(grad, xp.swapaxes(b, -1, -2))
            if self.inputs[0].ndim == 1:
                grad_a = grad_a[..., 0, :]
        if self.needs(1):
            grad_b = xp.matmul(xp.swapaxes(a, -1, -2), grad)
            if self.inputs[1].ndim == 1:
                grad_b = grad_b[..., 0]
        return grad_a, grad_b


# The input's gradient of a Linear with a column-major weight is written column-major from this
# many weight elements on, and up to this many rows (see Linear.backward).
LARGE_WEIGHT = 65536
FEW_ROWS = 64


class Linear(Function):
    """x @ weight.T + bias, as `torch.nn.functional.linear`: one op instead of a transpose, a
    matmul and an add, with the weight gradient summed over every leading dim of x."""

    def forward(self, x, weight, bias):
        x, weight = promote(x, weight)
        # nn.Linear stores its weight column-major (weight.T is row-major), the layout in which
        # x @ weight.T is a plain matmul for BLAS; the weight's gradient is made in the same
        # layout so that the optimisers' fused kernels see matching arrays.
        self.column_major = weight.flags.f_contiguous and not weight.flags.c_contiguous
        out = x @ weight.T
        if bias is not None:
            out += bias
        return out

    def backward(self, xp, grad, x, weight, bias):
        # With a column-major weight, the products are fastest written column-major: BLAS then
        # sees the weight untransposed. For the input's gradient that pays for a large weight and
        # few rows (grad @ weight 1.6x faster at batch 32 for 256 x 256); otherwise a row-major
        # result is better, for the elementwise backward that usually comes next reads it beside
        # the row-major output of the forward: with mixed layouts a ReLU backward over 1024 x 256
        # takes 0.84 ms instead of 0.04 ms.
        product = xp.matmul_column_major if self.column_major else xp.matmul
        grad_x = grad_weight = None
        if self.needs(0):
            column_major = (self.column_major and grad.ndim == 2 and grad.shape[0] <= FEW_ROWS
                            and weight.shape[0] * weight.shape[1] >= LARGE_WEIGHT)
            grad_x = product(grad, weight) if column_major else xp.matmul(grad, weight)
        if self.needs(1):
            if grad.ndim == 2:
                rows, inputs = grad, x
            else:
                rows, inputs = xp.reshape(grad, (-1, grad.shape[-1])), xp.reshape(x, (-1, x.shape[-1]))
            grad_weight = product(rows.T, inputs)
        # The engine sums the bias gradient over the leading dims (unbroadcast).
        return grad_x, grad_weight, grad if self.needs(2) else None
