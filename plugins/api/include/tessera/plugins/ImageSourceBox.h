#pragma once
// The "Image" box of the lenses: what the image is, Open image..., Paste (Ctrl+V) and, where
// the panel wants it, a Fashion-MNIST test sample by index. Each image chosen goes to the
// panel's handler; a failure of a button goes to failed(). Files dropped on the window reach
// the panel's open(), which asks isImageFile() and calls openFile(). GUI thread only.

#include "tessera/core/Datasets.h"
#include "tessera/core/Pipelines.h"

#include <QGroupBox>
#include <QString>

#include <functional>
#include <memory>

class QFormLayout;
class QLabel;
class QSpinBox;

namespace tessera::plugins {

class ImageSourceBox : public QGroupBox {
    Q_OBJECT
public:
    // Receives the image (as read, RGB for files) and a name for it; false with error set refuses it.
    using Handler = std::function<bool(Image8 image, const QString &name, QString *error)>;

    explicit ImageSourceBox(Handler handler, QWidget *parent = nullptr);

    // PNG, JPEG, BMP, TIFF or WebP, by the file's suffix.
    static bool isImageFile(const QString &path);

    // Reads path as RGB and hands it over; filePath() is then its absolute path.
    bool openFile(const QString &path, QString *error);
    // The clipboard's image.
    bool paste(QString *error);
    // The last file opened (absolute); empty when the image came from elsewhere.
    const QString &filePath() const { return m_filePath; }
    void setDescription(const QString &text);
    // Ctrl+V pastes while the focus is anywhere in scope (the panel).
    void pasteOnShortcutIn(QWidget *scope);

    // Adds the "Dataset sample" row: Fashion-MNIST test images by index.
    void addFashionMnistSamples();
    bool useSample(int index, QString *error);
    int sampleIndex() const;
    // The Fashion-MNIST test split, read once; nullptr with error set when it is not installed.
    std::shared_ptr<const ImageDataset> fashionTest(QString *error);

    // For rows of the panel's own below the box's (a prediction read-out).
    QFormLayout *formLayout() const { return m_layout; }

signals:
    void failed(const QString &message);

private:
    Handler m_handler;
    QString m_filePath;
    std::shared_ptr<const ImageDataset> m_fashion;
    QFormLayout *m_layout = nullptr;
    QLabel *m_description = nullptr;
    QSpinBox *m_sample = nullptr;
};

} // namespace tessera::plugins
