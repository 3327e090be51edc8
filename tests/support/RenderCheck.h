#pragma once
// A rendering compared with its control image, in the spirit of QGIS's QgsRenderChecker:
// tests/data/control/<name>.png, a per-channel pixel tolerance and the fraction of pixels
// allowed beyond it (anti-aliasing and font hinting differ by a few values from one machine to
// the next). On failure the rendering (<name>.actual.png) and an amplified difference image
// (<name>.diff.png) are written to $TESSERA_TEST_OUTPUT. Without a control image (or with
// TESSERA_WRITE_CONTROL set) the rendering is written there and the check fails, asking for it
// to be looked at and copied in. Header-only; Qt Test; the test's GUI thread.

#include <QDir>
#include <QFile>
#include <QImage>
#include <QString>
#include <QtTest>

#include <algorithm>
#include <cstdlib>

namespace tessera::test {

struct RenderCheck {
    QString name;                  // control image tests/data/control/<name>.png
    int pixelTolerance = 48;       // per channel, 0-255
    double allowedFraction = 0.01; // of the pixels beyond pixelTolerance

    // Empty when image matches the control; otherwise what failed and where the images are.
    QString compare(const QImage &rendered) const
    {
        const QString output = qEnvironmentVariable("TESSERA_TEST_OUTPUT", QDir::tempPath());
        const QString control = QStringLiteral(TESSERA_TEST_DATA "/control/") + name + ".png";
        const QImage image = rendered.convertToFormat(QImage::Format_RGB32);
        if (!QFile::exists(control) || qEnvironmentVariableIsSet("TESSERA_WRITE_CONTROL")) {
            image.save(output + "/" + name + ".png");
            return "no control image; the rendering was written to " + output + "/" + name +
                   ".png: look at it, then copy it to " + control;
        }
        const QImage expected = QImage(control).convertToFormat(QImage::Format_RGB32);
        if (expected.size() != image.size()) {
            image.save(output + "/" + name + ".actual.png");
            return QString("%1: the rendering is %2 x %3, the control image %4 x %5")
                .arg(name)
                .arg(image.width())
                .arg(image.height())
                .arg(expected.width())
                .arg(expected.height());
        }
        QImage diff(image.size(), QImage::Format_RGB32);
        qint64 differing = 0;
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x) {
                const QRgb p = image.pixel(x, y), q = expected.pixel(x, y);
                const int d = std::max(
                    {std::abs(qRed(p) - qRed(q)), std::abs(qGreen(p) - qGreen(q)), std::abs(qBlue(p) - qBlue(q))});
                if (d > pixelTolerance)
                    ++differing;
                diff.setPixel(x, y, qRgb(std::min(255, d * 4), 0, 0));
            }
        const double fraction = double(differing) / double(image.width() * image.height());
        const QString diffPath = output + "/" + name + ".diff.png";
        if (fraction <= allowedFraction) {
            QFile::remove(diffPath);
            return {};
        }
        diff.save(diffPath);
        image.save(output + "/" + name + ".actual.png");
        return QString("%1: %2% of the pixels differ from the control image by more than %3; see %4")
            .arg(name)
            .arg(fraction * 100, 0, 'f', 2)
            .arg(pixelTolerance)
            .arg(diffPath);
    }
};

} // namespace tessera::test

#define TESSERA_VERIFY_RENDER(check, image)                                                                            \
    do {                                                                                                               \
        const QString failure_ = (check).compare(image);                                                               \
        QVERIFY2(failure_.isEmpty(), qPrintable(failure_));                                                            \
    } while (false)
