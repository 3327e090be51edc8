#pragma once
// DETR's set prediction made inspectable (the study notes 003:370-410): the linear sum
// assignment (Hungarian) solver, box conversions and (generalized) IoU, and DETR's
// HungarianMatcher with its cost split into the class, L1 and GIoU parts so a view can show each.
// Plain C++, no LibTorch; any thread. Equal to fixtures/reference/matching (scipy's
// linear_sum_assignment, torchvision's box ops, DETR's matcher).

#include "tessera/core/Matrix.h"

#include <cstdint>
#include <vector>

namespace tessera::matching {

// A cost matrix [rows, cols], row-major, float64 (costs may be large or tiny: DETR adds three).
struct CostMatrix {
    int64_t rows = 0;
    int64_t cols = 0;
    std::vector<double> values;
    double at(int64_t r, int64_t c) const { return values[size_t(r * cols + c)]; }
};

// The assignment of least total cost, as scipy.optimize.linear_sum_assignment(cost): min(rows,
// cols) pairs, each row and column used at most once, rows ascending. Throws tessera::Error
// for a NaN cost, an infinite one that leaves no finite assignment, or more than 4096 x 4096.
struct Assignment {
    std::vector<int64_t> rows;
    std::vector<int64_t> cols;
    double total = 0.0;
};
Assignment linearSumAssignment(const CostMatrix &cost);

// Boxes [n, 4]: (cx, cy, w, h) <-> (x0, y0, x1, y1).
Matrix centerToCorners(const Matrix &boxes);
Matrix cornersToCenter(const Matrix &boxes);
// Pairwise IoU and generalized IoU (Rezatofighi et al. 2019) of corner boxes [n, 4] x [m, 4]
// -> [n, m], as torchvision.ops.box_iou / generalized_box_iou (degenerate boxes allowed).
Matrix boxIou(const Matrix &a, const Matrix &b);
Matrix generalizedBoxIou(const Matrix &a, const Matrix &b);

// DETR's HungarianMatcher for one image: predictions (class logits [queries, classes + 1], the
// last being no-object; boxes [queries, 4] cxcywh in [0, 1]) against targets (labels [t],
// boxes [t, 4] cxcywh). cost = classWeight * (-softmax(logits)[label]) + boxWeight *
// L1(cxcywh) + giouWeight * (-GIoU(xyxy)), each part kept for display.
struct MatcherWeights {
    double classWeight = 1.0;
    double boxWeight = 5.0;
    double giouWeight = 2.0;
};
struct Matching {
    CostMatrix total;                 // [queries, targets]
    CostMatrix classCost;             // -p(target class), unweighted
    CostMatrix boxCost;               // L1 distance of cxcywh, unweighted
    CostMatrix giouCost;              // -GIoU, unweighted
    std::vector<int64_t> predictions; // matched query of each pair, ascending
    std::vector<int64_t> targets;     // its target
};
// Throws tessera::Error for shapes that do not fit or labels outside the classes.
Matching hungarianMatch(const Matrix &logits, const Matrix &boxes, const std::vector<int64_t> &labels,
                        const Matrix &targetBoxes, const MatcherWeights &weights = {});

// DETR's set loss for one image given a matching (SetCriterion): the classification loss is the
// cross entropy of every query against its matched class, or no-object for the unmatched ones
// weighted by eosCoefficient (the weighted mean, as torch's cross_entropy with weights); the box
// losses are the L1 distance (cxcywh) and 1 - GIoU summed over matched pairs and divided by the
// number of targets (at least 1). total = classWeight * classification + boxWeight * l1 +
// giouWeight * giou (the loss coefficients, 1 / 5 / 2 by default).
struct SetLoss {
    double classification = 0.0;
    double l1 = 0.0;
    double giou = 0.0;
    double total = 0.0;
};
SetLoss setLoss(const Matrix &logits, const Matrix &boxes, const std::vector<int64_t> &labels,
                const Matrix &targetBoxes, const Matching &matching, double eosCoefficient = 0.1,
                const MatcherWeights &weights = {});

} // namespace tessera::matching
