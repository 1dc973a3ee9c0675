# Harmonia's RdHarmony renderer: builds one scene from the JSON description that `harmonia dataset render` writes
# and renders every camera view in every capture style with Cycles on the CPU, plus the object-index mask of the
# foreground character. Run by the C# command as:
#   blender -b --factory-startup -noaudio --python-exit-code 1 -P render_scene.py -- SCENE.json OUT_DIR THREADS
# Writes OUT_DIR/v{view}_s{style}.png (8-bit RGB) and OUT_DIR/v{view}_s{style}_mask.png (8-bit, 255 where the
# first Cycles sample of the pixel hit an object with pass index 1, else 0). Every sampled number lives in the JSON;
# this script only interprets it, so the C# side owns the randomness. Part of Harmonia (MIT), written for it.
import json
import math
import os
import sys

import bpy


def load_description():
    argv = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else []
    if len(argv) != 3:
        raise SystemExit("usage: blender -b -P render_scene.py -- SCENE.json OUT_DIR THREADS")
    with open(argv[0], "r", encoding="utf-8") as f:
        return json.load(f), argv[1], int(argv[2])


def clear_scene():
    for collection in (bpy.data.objects, bpy.data.meshes, bpy.data.materials, bpy.data.lights, bpy.data.cameras, bpy.data.worlds):
        for block in list(collection):
            collection.remove(block)


def make_material(index, spec):
    """Principled BSDF; an optional two-colour noise pattern in world metres (ground, cow patches) mixes color and color2."""
    mat = bpy.data.materials.new(f"m{index}")
    mat.use_nodes = True
    nodes, links = mat.node_tree.nodes, mat.node_tree.links
    bsdf = nodes["Principled BSDF"]
    bsdf.inputs["Base Color"].default_value = (*spec["color"], 1.0)
    bsdf.inputs["Roughness"].default_value = spec["roughness"]
    bsdf.inputs["Metallic"].default_value = spec["metallic"]
    pattern = spec.get("pattern")
    if pattern:
        coord = nodes.new("ShaderNodeNewGeometry")
        noise = nodes.new("ShaderNodeTexNoise")
        noise.inputs["Scale"].default_value = pattern["scale"]
        noise.inputs["Detail"].default_value = pattern["detail"]
        ramp = nodes.new("ShaderNodeValToRGB")
        ramp.color_ramp.elements[0].position = pattern["threshold"]
        ramp.color_ramp.elements[0].color = (*spec["color"], 1.0)
        ramp.color_ramp.elements[1].position = min(1.0, pattern["threshold"] + pattern["softness"])
        ramp.color_ramp.elements[1].color = (*pattern["color2"], 1.0)
        links.new(coord.outputs["Position"], noise.inputs["Vector"])
        links.new(noise.outputs["Fac"], ramp.inputs["Fac"])
        links.new(ramp.outputs["Color"], bsdf.inputs["Base Color"])
    return mat


class Shapes:
    """One mesh per primitive shape, shared by every part that uses it (parts differ by transform only)."""

    def __init__(self):
        self.meshes = {}

    def mesh(self, shape, ratio):
        key = (shape, round(ratio, 3))
        if key in self.meshes:
            return self.meshes[key]
        if shape == "cube":
            bpy.ops.mesh.primitive_cube_add(size=1.0)
        elif shape == "sphere":
            bpy.ops.mesh.primitive_uv_sphere_add(segments=32, ring_count=16, radius=0.5)
        elif shape == "cylinder":
            bpy.ops.mesh.primitive_cylinder_add(vertices=32, radius=0.5, depth=1.0)
        elif shape == "cone":
            bpy.ops.mesh.primitive_cone_add(vertices=32, radius1=0.5, radius2=0.0, depth=1.0)
        elif shape == "torus":
            # unit major radius 0.5 (so scale 1 spans 1 m, like the other shapes); ratio = minor / major
            bpy.ops.mesh.primitive_torus_add(major_segments=40, minor_segments=16, major_radius=0.5, minor_radius=0.5 * ratio)
        else:
            raise SystemExit(f"unknown shape '{shape}'")
        obj = bpy.context.active_object
        mesh = obj.data
        mesh.name = f"{shape}-{key[1]}"
        if shape != "cube":
            for poly in mesh.polygons:
                poly.use_smooth = True
        bpy.data.objects.remove(obj)
        mesh.materials.append(None)  # one slot; each object fills it (link = OBJECT)
        self.meshes[key] = mesh
        return mesh


def add_parts(obj_spec, shapes, materials, collection):
    pass_index = 1 if obj_spec["role"] == "character" else 0
    for i, part in enumerate(obj_spec["parts"]):
        mesh = shapes.mesh(part["shape"], part.get("ratio", 0.0))
        obj = bpy.data.objects.new(f"{obj_spec['name']}-{i}", mesh)
        obj.location = part["location"]
        obj.rotation_euler = part["rotation"]
        obj.scale = part["scale"]
        obj.pass_index = pass_index
        collection.objects.link(obj)
        # the mesh is shared, so the material hangs on the object's slot
        obj.material_slots[0].link = "OBJECT"
        obj.material_slots[0].material = materials[part["material"]]


def add_camera(spec, collection):
    cam_data = bpy.data.cameras.new("cam")
    cam_data.lens = spec["lens_mm"]
    cam_data.sensor_width = 36.0
    cam_data.clip_start = 0.05
    cam_data.clip_end = 1000.0
    cam = bpy.data.objects.new("cam", cam_data)
    collection.objects.link(cam)
    cam.location = spec["location"]
    target = spec["target"]
    direction = [target[i] - spec["location"][i] for i in range(3)]
    # Blender cameras look down -Z with +Y up: pitch from the horizontal, yaw around Z.
    horizontal = math.hypot(direction[0], direction[1])
    pitch = math.atan2(direction[2], horizontal)
    yaw = math.atan2(direction[1], direction[0])
    cam.rotation_euler = (math.pi / 2 + pitch, 0.0, yaw - math.pi / 2)
    return cam


def build_world():
    """Sky (Nishita) mixed with a cloud layer whose coverage follows the style's cloud cover; the night replaces the sky by a dark gradient."""
    world = bpy.data.worlds.new("world")
    world.use_nodes = True
    # The sky's importance map is rebuilt for every style; 256² instead of the default 1024² keeps that under a
    # second (the sun lamp carries the sharp light, the sky is smooth).
    world.cycles.sampling_method = "MANUAL"
    world.cycles.sample_map_resolution = 256
    nodes, links = world.node_tree.nodes, world.node_tree.links
    background = nodes["Background"]
    background.inputs["Strength"].default_value = 1.0
    sky = nodes.new("ShaderNodeTexSky")
    sky.sky_type = "NISHITA"
    sky.sun_disc = False  # the sun lamp carries the direct light (sampled far better than a disc in the sky)
    sky_gain = nodes.new("ShaderNodeMixRGB")  # sky colour times strength, via MULTIPLY with a grey
    sky_gain.blend_type = "MULTIPLY"
    sky_gain.inputs["Fac"].default_value = 1.0
    links.new(sky.outputs["Color"], sky_gain.inputs["Color1"])
    night = nodes.new("ShaderNodeMixRGB")  # day sky vs night colour
    links.new(sky_gain.outputs["Color"], night.inputs["Color1"])
    # Cloud layer: noise on the direction projected onto a plane above the camera; thresholded by cover.
    coord = nodes.new("ShaderNodeTexCoord")
    sep = nodes.new("ShaderNodeSeparateXYZ")
    links.new(coord.outputs["Generated"], sep.inputs["Vector"])
    lift = nodes.new("ShaderNodeMath")
    lift.operation = "ADD"
    lift.inputs[1].default_value = 0.08
    links.new(sep.outputs["Z"], lift.inputs[0])
    combine = nodes.new("ShaderNodeCombineXYZ")
    div_x = nodes.new("ShaderNodeMath")
    div_x.operation = "DIVIDE"
    div_y = nodes.new("ShaderNodeMath")
    div_y.operation = "DIVIDE"
    links.new(sep.outputs["X"], div_x.inputs[0])
    links.new(lift.outputs["Value"], div_x.inputs[1])
    links.new(sep.outputs["Y"], div_y.inputs[0])
    links.new(lift.outputs["Value"], div_y.inputs[1])
    links.new(div_x.outputs["Value"], combine.inputs["X"])
    links.new(div_y.outputs["Value"], combine.inputs["Y"])
    noise = nodes.new("ShaderNodeTexNoise")
    noise.inputs["Detail"].default_value = 6.0
    noise.inputs["Roughness"].default_value = 0.55
    links.new(combine.outputs["Vector"], noise.inputs["Vector"])
    ramp = nodes.new("ShaderNodeValToRGB")
    links.new(noise.outputs["Fac"], ramp.inputs["Fac"])
    above = nodes.new("ShaderNodeMath")  # clouds only above the horizon
    above.operation = "GREATER_THAN"
    above.inputs[1].default_value = 0.0
    links.new(sep.outputs["Z"], above.inputs[0])
    cover = nodes.new("ShaderNodeMath")
    cover.operation = "MULTIPLY"
    links.new(ramp.outputs["Color"], cover.inputs[0])
    links.new(above.outputs["Value"], cover.inputs[1])
    clouds = nodes.new("ShaderNodeMixRGB")
    links.new(cover.outputs["Value"], clouds.inputs["Fac"])
    links.new(night.outputs["Color"], clouds.inputs["Color1"])
    links.new(clouds.outputs["Color"], background.inputs["Color"])
    return world, dict(sky=sky, sky_gain=sky_gain, night=night, noise=noise, ramp=ramp, clouds=clouds)


def apply_world(handles, style, north):
    sky, ramp = handles["sky"], handles["ramp"]
    s = style["sky"]
    sky.sun_elevation = math.radians(max(s["sun_elevation_deg"], -10.0))
    sky.sun_rotation = math.radians(s["sun_azimuth_deg"] + north)
    sky.air_density = s["air_density"]
    sky.dust_density = s["dust_density"]
    sky.ozone_density = s["ozone_density"]
    g = s["strength"]
    handles["sky_gain"].inputs["Color2"].default_value = (g, g, g, 1.0)
    handles["night"].inputs["Fac"].default_value = 1.0 if style["is_night"] else 0.0
    handles["night"].inputs["Color2"].default_value = (*s["night_color"], 1.0)
    c = style["clouds"]
    handles["noise"].inputs["Scale"].default_value = c["scale"]
    handles["noise"].inputs["W"].default_value = c["offset"]
    handles["noise"].noise_dimensions = "4D"
    # coverage: the noise is roughly uniform on [0.3, 0.7]; a threshold from 0.72 (no clouds) down to 0.28 (overcast)
    threshold = 0.72 - 0.44 * c["cover"]
    ramp.color_ramp.elements[0].position = max(0.0, threshold - c["softness"])
    ramp.color_ramp.elements[0].color = (0, 0, 0, 1)
    ramp.color_ramp.elements[1].position = max(0.001, threshold)
    ramp.color_ramp.elements[1].color = (c["opacity"], c["opacity"], c["opacity"], 1)
    handles["clouds"].inputs["Color2"].default_value = (*[v * c["radiance"] for v in c["color"]], 1.0)


def make_sun(collection):
    data = bpy.data.lights.new("sun", "SUN")
    data.use_nodes = True
    nodes, links = data.node_tree.nodes, data.node_tree.links
    blackbody = nodes.new("ShaderNodeBlackbody")
    tint = nodes.new("ShaderNodeMixRGB")
    tint.blend_type = "MULTIPLY"
    tint.inputs["Fac"].default_value = 1.0
    links.new(blackbody.outputs["Color"], tint.inputs["Color1"])
    links.new(tint.outputs["Color"], nodes["Emission"].inputs["Color"])
    sun = bpy.data.objects.new("sun", data)
    collection.objects.link(sun)
    return sun, blackbody, tint


def apply_sun(sun, blackbody, tint, spec, north):
    el = math.radians(spec["elevation_deg"])
    az = math.radians(spec["azimuth_deg"] + north)
    # A sun lamp shines down its -Z axis: tilt from the zenith by (90° - elevation), then turn to face away from the azimuth.
    sun.rotation_euler = (math.pi / 2 - el, 0.0, az + math.pi / 2)
    sun.data.energy = spec["strength"]
    sun.data.angle = math.radians(spec["angle_deg"])
    blackbody.inputs["Temperature"].default_value = spec["temperature_k"]
    tint.inputs["Color2"].default_value = (*spec["tint"], 1.0)


def make_lamps(specs, collection):
    lamps = []
    for i, spec in enumerate(specs):
        data = bpy.data.lights.new(f"lamp{i}", "POINT")
        data.use_nodes = True
        data.energy = spec["power"]
        data.shadow_soft_size = spec["radius"]
        bb = data.node_tree.nodes.new("ShaderNodeBlackbody")
        bb.inputs["Temperature"].default_value = spec["temperature_k"]
        data.node_tree.links.new(bb.outputs["Color"], data.node_tree.nodes["Emission"].inputs["Color"])
        lamp = bpy.data.objects.new(f"lamp{i}", data)
        lamp.location = spec["location"]
        collection.objects.link(lamp)
        lamps.append(lamp)
    return lamps


def setup_render(scene, desc, threads):
    scene.render.engine = "CYCLES"
    cycles = scene.cycles
    cycles.device = "CPU"
    cycles.samples = desc["samples"]
    cycles.use_adaptive_sampling = False  # fixed work per pixel: same seed, same pixels
    cycles.use_denoising = False  # Debian's build has no OpenImageDenoise
    cycles.seed = desc["seed"]
    cycles.max_bounces = 4
    cycles.diffuse_bounces = 2
    cycles.glossy_bounces = 2
    cycles.transmission_bounces = 2
    cycles.volume_bounces = 0
    cycles.transparent_max_bounces = 2
    cycles.caustics_reflective = False
    cycles.caustics_refractive = False
    cycles.sample_clamp_indirect = 3.0  # fewer fireflies at low sample counts
    cycles.blur_glossy = 1.0
    scene.render.threads_mode = "FIXED"
    scene.render.threads = threads
    scene.render.use_persistent_data = True  # only the lights change between styles
    scene.render.resolution_x = desc["width"]
    scene.render.resolution_y = desc["height"]
    scene.render.resolution_percentage = 100
    scene.render.use_stamp = False
    scene.render.dither_intensity = 0.0  # no random dither noise in the 8-bit conversion (exact, repeatable bytes)
    scene.render.image_settings.file_format = "PNG"
    scene.render.image_settings.color_mode = "RGB"
    scene.render.image_settings.color_depth = "8"
    scene.render.image_settings.compression = 15
    scene.view_settings.view_transform = "Filmic"
    scene.view_settings.look = desc["look"]
    scene.view_layers[0].use_pass_object_index = True
    # Compositor: image to the Composite output, object index 1 as a hard (non-antialiased) mask to a file.
    scene.use_nodes = True
    tree = scene.node_tree
    for node in list(tree.nodes):
        tree.nodes.remove(node)
    layers = tree.nodes.new("CompositorNodeRLayers")
    composite = tree.nodes.new("CompositorNodeComposite")
    tree.links.new(layers.outputs["Image"], composite.inputs["Image"])
    idmask = tree.nodes.new("CompositorNodeIDMask")
    idmask.index = 1
    idmask.use_antialiasing = False
    tree.links.new(layers.outputs["IndexOB"], idmask.inputs["ID value"])
    out = tree.nodes.new("CompositorNodeOutputFile")
    out.format.file_format = "PNG"
    out.format.color_mode = "BW"
    out.format.color_depth = "8"
    out.format.compression = 15
    tree.links.new(idmask.outputs["Alpha"], out.inputs[0])
    return out


def main():
    desc, out_dir, threads = load_description()
    os.makedirs(out_dir, exist_ok=True)
    clear_scene()
    scene = bpy.context.scene
    scene.frame_set(1)
    collection = scene.collection
    materials = [make_material(i, m) for i, m in enumerate(desc["materials"])]
    shapes = Shapes()
    for obj_spec in desc["objects"]:
        add_parts(obj_spec, shapes, materials, collection)
    world, handles = build_world()
    scene.world = world
    sun, blackbody, tint = make_sun(collection)
    north = desc["north_deg"]
    mask_out = setup_render(scene, desc, threads)
    mask_out.base_path = out_dir
    for v, cam_spec in enumerate(desc["cameras"], start=1):
        scene.camera = add_camera(cam_spec, collection)
        for style in desc["styles"]:
            sid = style["index"]
            apply_world(handles, style, north)
            apply_sun(sun, blackbody, tint, style["sun"], north)
            lamps = make_lamps(style["lamps"], collection)
            scene.view_settings.exposure = style["exposure"]
            stem = f"v{v}_s{sid:02d}"
            mask_out.file_slots[0].path = stem + "_mask"
            scene.render.filepath = os.path.join(out_dir, stem + ".png")
            bpy.ops.render.render(write_still=True)
            # the file output node appends the frame number; give the mask its plain name
            os.replace(os.path.join(out_dir, stem + "_mask0001.png"), os.path.join(out_dir, stem + "_mask.png"))
            for lamp in lamps:
                data = lamp.data
                bpy.data.objects.remove(lamp)
                bpy.data.lights.remove(data)
            print(f"HARMONIA-RENDERED {stem}", flush=True)


main()
