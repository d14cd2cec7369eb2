/* firmware-sim/model.S: the model file, byte for byte, as a read-only blob in its own section
 * (placed by link.ld in flash, or in the 16 MB region for a big model). The first byte is
 * 16-byte aligned, as the container reader requires. MODEL_PATH is given by run.sh
 * (-DMODEL_PATH="\"/absolute/path.dnm\""). */
    .section .model, "a", %progbits
    .balign 16
    .global model_blob_start_
model_blob_start_:
    .incbin MODEL_PATH
    .global model_blob_end_
model_blob_end_:
