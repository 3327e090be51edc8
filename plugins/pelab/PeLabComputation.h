#pragma once
// Everything the positional-encoding lab shows, computed in one job off the GUI thread from
// a plain settings struct. No Qt types: the job body only touches core.

#include "tessera/core/Job.h"
#include "tessera/core/Matrix.h"
#include "tessera/core/PositionalEncoding.h"

#include <string>
#include <vector>

namespace tessera::pelab {

struct PeSettings {
    int dModel = 128;
    int maxLength = 128;
    double base = 10000.0;
    std::vector<int> curveDimensions{4, 5, 6, 7};
    // Curve dimensions asked for that d_model does not have (not drawn; the title says so).
    std::vector<int> missingCurveDimensions;
    pe::Similarity similarity = pe::Similarity::Cosine;
    int ropePair = 8;
    int ropeDimension = 64;
    int ropeLength = 64;
    int alibiHeads = 8;
    int alibiHead = 0;
    int alibiLength = 32;
    bool causal = true;
    MatrixPtr learned; // [positions, dims] or null
};

struct Trajectory {
    std::vector<double> x;
    std::vector<double> y;
};

struct PeResult {
    MatrixPtr table;                                // sinusoidal [maxLength, dModel]
    MatrixPtr similarity;                           // [maxLength, maxLength]
    std::vector<double> profile;                    // mean similarity at offset k, k = 0 .. maxLength - 1
    Trajectory ropeFast;                            // pair 0 of the query over positions
    Trajectory ropeSlow;                            // pair ropePair of the query over positions
    MatrixPtr ropeScores;                           // [ropeLength, ropeLength]
    std::vector<int> ropeOffsets;                   // offsets m - n drawn as lines
    std::vector<std::vector<double>> ropeDiagonals; // S[m, m - offset] for m = offset .. length - 1
    double ropeSpread = 0.0;                        // largest max - min along a diagonal
    std::vector<double> alibiSlopes;                // one per head
    MatrixPtr alibiBias;                            // [alibiLength, alibiLength] for alibiHead, NaN = masked
    MatrixPtr learnedSimilarity;                    // cosine similarity of the learned rows, or null
};

// The job body. Throws tessera::Error on invalid settings and CancelledError when cancelled.
PeResult computePe(const PeSettings &settings, JobContext &context);

} // namespace tessera::pelab
